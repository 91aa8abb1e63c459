"""What changed between two states of a journey project."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel

from cjmlib.messages import t
from cjmlib.messages.text import fmt_num
from cjmlib.model import COLLECTIONS, Goal, JourneyProject, PhaseModel, field_label
from cjmlib.model.project import JourneyProject as _JP

_PARTS: dict[str, type[BaseModel]] = {"goal": Goal, "phase_model": PhaseModel}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Change:
    """One added, removed or changed entry; ``fields`` holds (field, before, after)."""

    kind: str  # "added", "removed" or "changed"
    collection: str
    id: str
    title: str
    fields: tuple[tuple[str, Any, Any], ...] = ()


@dataclass
class ProjectDiff:
    """The difference between two project states (``before`` -> ``after``)."""

    before_label: str
    after_label: str
    changes: list[Change] = field(default_factory=list)
    #: Names of the entries and phases of both states, to show names instead of ids.
    names: dict[str, str] = field(default_factory=dict)

    def _of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def added(self) -> list[Change]:
        return self._of("added")

    @property
    def removed(self) -> list[Change]:
        return self._of("removed")

    @property
    def changed(self) -> list[Change]:
        return self._of("changed")

    def __bool__(self) -> bool:
        return bool(self.changes)

    def summary(self) -> str:
        """A German one-liner, e.g. "3 hinzugefügt, 1 geändert, 0 entfernt"."""
        return t(
            "diff.summary",
            added=len(self.added),
            changed=len(self.changed),
            removed=len(self.removed),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per change, with German column names, for display in a notebook."""
        rows = []
        for c in self.changes:
            # goal and phase model changes list the fields of those parts, not of the project
            model: type[BaseModel] = COLLECTIONS.get(c.collection) or _PARTS.get(c.collection, _JP)
            detail = "; ".join(
                f"{field_label(model, f)}: {self._shown(b)} → {self._shown(a)}"
                for f, b, a in c.fields
            )
            rows.append(
                {
                    "Art": t(f"diff.{c.kind}"),
                    "Bereich": t(f"collection.{c.collection}")
                    if c.collection in COLLECTIONS
                    else t("model.project"),
                    "Eintrag": c.title,
                    "Details": detail,
                }
            )
        return pd.DataFrame(rows, columns=["Art", "Bereich", "Eintrag", "Details"])

    def _shown(self, value: Any) -> str:
        """A field's value as a trainee reads it: „Text“, names for ids, ja/nein, −1,
        31.07.2026 – never Python's ``'text'``, ``True`` or ``None``."""
        if value is None or value == "" or value == [] or value == {}:
            return t("diff.empty")
        if isinstance(value, bool):
            return t("display.yes") if value else t("display.no")
        if isinstance(value, int | float):
            text = str(value) if isinstance(value, int) else fmt_num(value, 2)
            return text.replace("-", "−")
        if isinstance(value, list):
            return ", ".join(self._shown(v) for v in value)
        if isinstance(value, dict):
            parts = [self._shown(v) for v in value.values() if v not in (None, "", [], {})]
            return f"({', '.join(parts)})"
        text = str(value)
        if text in self.names:
            return f"„{self.names[text]}“"
        if _ISO_DATE.match(text):
            return f"{text[8:10]}.{text[5:7]}.{text[:4]}"
        return f"„{text}“"

    def __repr__(self) -> str:
        return f"ProjectDiff({self.before_label!r} → {self.after_label!r}: {self.summary()})"


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[tuple[str, Any, Any], ...]:
    keys = list(dict.fromkeys([*before, *after]))
    return tuple((k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k))


def compare_projects(
    before: JourneyProject, after: JourneyProject, *, before_label: str = "", after_label: str = ""
) -> ProjectDiff:
    """Compare two projects entry by entry (matched by id)."""
    diff = ProjectDiff(before_label, after_label)
    for project in (before, after):
        pm = project.phase_model
        diff.names.update({phase_id: pm.name_of(phase_id) for phase_id in pm.ids})
        for coll in COLLECTIONS:
            diff.names.update({e.id: JourneyProject._title(e) for e in getattr(project, coll)})
    b_all, a_all = before.model_dump(mode="json"), after.model_dump(mode="json")
    for key in ("name", "industry", "description", "goal", "phase_model"):
        if b_all[key] != a_all[key]:
            b_val, a_val = b_all[key], a_all[key]
            fields = _fields(b_val, a_val) if isinstance(b_val, dict) else ((key, b_val, a_val),)
            diff.changes.append(Change("changed", key, key, field_label(_JP, key), fields))
    for coll in COLLECTIONS:
        b_items = {i["id"]: i for i in b_all[coll]}
        a_items = {i["id"]: i for i in a_all[coll]}
        for idx, (item_id, item) in enumerate(a_items.items()):
            title = JourneyProject._title(getattr(after, coll)[idx])
            if item_id not in b_items:
                diff.changes.append(Change("added", coll, item_id, title))
            elif b_items[item_id] != item:
                diff.changes.append(
                    Change("changed", coll, item_id, title, _fields(b_items[item_id], item))
                )
        for idx, item_id in enumerate(b_items):
            if item_id not in a_items:
                title = JourneyProject._title(getattr(before, coll)[idx])
                diff.changes.append(Change("removed", coll, item_id, title))
    return diff
