"""One collection of a workbook (personas, touchpoints, ...): add, edit, remove, find."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, cast

import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.messages.text import wrap_lines
from cjmlib.model import (
    COLLECTIONS,
    CJMModel,
    JourneyProject,
    field_label,
    model_label,
    unknown_field_text,
)
from cjmlib.placeholder import ____, blanks_in, is_placeholder

#: A change to the project: edits it in place or returns the new one.
Mutation = Callable[[JourneyProject], "JourneyProject | None"]


class Commit(Protocol):
    """Apply a mutation, validate the whole project and save it (``Workbook._commit``)."""

    def __call__(self, mutate: Mutation, *, note: str) -> None: ...


#: Collections that are logs: equal texts are separate entries (two customers may write
#: the same sentence; a verification is run again on the same day), so ``add`` appends.
LOGS = frozenset({"feedback", "verifications"})

#: Collections whose entries are told apart by name *and* phase.
PER_PHASE = frozenset({"touchpoints"})


class _HasId(Protocol):
    id: str


def _id_of(item: CJMModel) -> str:
    """Every model kept in a collection has an ``id`` (see ``cjmlib.model.COLLECTIONS``)."""
    return cast("_HasId", item).id


def title_of(item: Any) -> str:
    return JourneyProject._title(item)


def match(items: list[Any], key: Any, collection: str) -> int:
    """Return the index of the entry meant by ``key``: an id, a name/title, or the entry."""
    if isinstance(key, CJMModel):
        key = key.id  # type: ignore[attr-defined]
    if isinstance(key, int) and not isinstance(key, bool):
        if -len(items) <= key < len(items):
            return key % len(items)
    else:
        text = str(key).strip()
        for i, item in enumerate(items):
            if item.id == text:
                return i
        hits = [i for i, item in enumerate(items) if title_of(item).casefold() == text.casefold()]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            matches = ", ".join(f"{items[i].id}" for i in hits)
            raise CJMError(
                t(
                    "error.ambiguous",
                    collection=t(f"collection.{collection}"),
                    value=key,
                    matches=matches,
                ),
                field="id",
                value=key,
            )
    allowed = ", ".join(f"{title_of(x)} ({x.id})" for x in items[:20]) or t("allowed.none_yet")
    if len(items) > 20:
        allowed += ", …"
    raise unknown_choice(
        "error.not_found",
        allowed=allowed,
        value=key,
        field="id",
        collection=t(f"collection.{collection}"),
    )


class Collection:
    """A live view on one list in the workbook; every change is saved at once.

    Entries returned are copies: change them with :meth:`update`, which validates and
    saves, rather than by assigning to their attributes.
    """

    def __init__(
        self,
        name: str,
        *,
        current: Callable[[], JourneyProject],
        commit: Commit,
    ) -> None:
        # The workbook hands over how to read and how to save (validated, atomic, with
        # history), so a collection needs neither the Workbook class nor its internals.
        self._current = current
        self._commit = commit
        self.name = name
        self.model: type[CJMModel] = COLLECTIONS[name]

    # -- reading -----------------------------------------------------------------
    def _items(self) -> list[Any]:
        items: list[Any] = getattr(self._current(), self.name)
        return items

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[Any]:
        return iter([i.model_copy(deep=True) for i in self._items()])

    def __getitem__(self, key: Any) -> Any:
        items = self._items()
        return items[match(items, key, self.name)].model_copy(deep=True)

    def __contains__(self, key: Any) -> bool:
        try:
            match(self._items(), key, self.name)
        except CJMError:
            return False
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the entry for ``key`` (id or name), or ``default``."""
        return self[key] if key in self else default

    def find(self, **criteria: Any) -> list[Any]:
        """Return the entries whose fields equal all ``criteria`` (text case-insensitive)."""
        for name in criteria:
            if name not in self.model.model_fields:
                raise CJMError(
                    unknown_field_text(self.model, name),
                    field=name,
                )

        def same(a: Any, b: Any) -> bool:
            if isinstance(a, str) and isinstance(b, str):
                return a.casefold() == b.casefold()
            return bool(a == b)

        return [
            i.model_copy(deep=True)
            for i in self._items()
            if all(same(getattr(i, k), v) for k, v in criteria.items())
        ]

    def ids(self) -> list[str]:
        return [i.id for i in self._items()]

    def to_frame(self, *, labels: bool = False) -> pd.DataFrame:
        """The entries as a DataFrame; ``labels=True`` uses the German field labels."""
        columns = list(self.model.model_fields)
        frame = pd.DataFrame([i.model_dump() for i in self._items()], columns=columns)
        if labels:
            frame = frame.rename(columns={c: field_label(self.model, c) for c in columns})
        return frame

    def __repr__(self) -> str:
        names = ", ".join(title_of(i) for i in self._items()[:5])
        more = ", …" if len(self) > 5 else ""
        return f"<{t(f'collection.{self.name}')}: {len(self)} ({names}{more})>"

    # -- changing ----------------------------------------------------------------
    def _coerce(self, item: Any, fields: dict[str, Any]) -> CJMModel:
        if item is None:
            return self.model(**fields)
        if isinstance(item, dict):
            return self.model(**{**item, **fields})
        if not isinstance(item, self.model):
            raise CJMError(
                t(
                    "error.wrong_item_type",
                    collection=t(f"collection.{self.name}"),
                    expected=self.model.__name__,
                    given=type(item).__name__,
                ),
                value=item,
            )
        return item.copy_with(**fields) if fields else item.model_copy(deep=True)

    def add(self, item: Any = None, /, **fields: Any) -> Any:
        """Add one entry (a model, a dict, or keyword fields) and save; return it.

        Re-running a notebook cell must not create a second "Lena Berger": in a named
        collection (everything but the logs in :data:`LOGS`) an entry whose name or title
        equals an existing one (as :func:`match` compares names) *replaces* that entry,
        keeping its id and position so that references to it stay valid, and a German
        note says so. The replaced version stays in the workbook's history.
        """
        blanks = self._blanks(item, fields)
        if blanks is not None:  # ``____`` is falsy on purpose
            return blanks
        new = self._coerce(item, fields)
        holder: dict[str, Any] = {}

        def apply(p: JourneyProject) -> None:
            items = getattr(p, self.name)
            idx = self._same_name(p, items, new)
            if idx is None:
                items.append(new)
                holder["id"] = _id_of(new)
                return
            kept = _id_of(items[idx])
            # copy_with validates the replacement like any new entry
            items[idx] = new.copy_with(id=kept) if _id_of(new) != kept else new
            holder["id"], holder["replaced"] = kept, title_of(new)

        self._commit(apply, note=f"{self.name}: + {title_of(new)}")
        if "replaced" in holder:
            print(
                wrap_lines(
                    t(
                        "workbook_rerun.replaced",
                        item=holder["replaced"],
                        collection=t(f"collection.{self.name}"),
                    )
                )
            )
        return self[holder["id"]]

    def _blanks(self, item: Any, fields: dict[str, Any]) -> Any:
        """``____`` if a blank of the exercise is still in the call (saying so), else None."""
        given = {**(item if isinstance(item, dict) else {}), **fields}
        names = blanks_in(given)
        if not names and not is_placeholder(item):
            return None
        print(
            wrap_lines(
                t(
                    "exercises.blank_in_call",
                    collection=t(f"collection.{self.name}"),
                    fields=", ".join(f"`{n}`" for n in names) or "`____`",
                )
            )
        )
        return ____

    def _rerun_key(self, item: Any, project: JourneyProject) -> tuple[str, ...]:
        """What makes two entries "the same" on a re-run: the name, for touchpoints with
        the phase (a "Kasse" at purchase and one after purchase are two touchpoints)."""
        name = title_of(item).strip().casefold()
        if self.name not in PER_PHASE:
            return (name,)
        try:  # the new entry may still name its phase by label ("Kauf" for "kauf")
            return (name, project.phase_model.resolve(item.phase))
        except CJMError:  # an unknown phase: validation of the project reports it
            return (name, str(item.phase))

    def _same_name(self, p: JourneyProject, items: list[Any], new: CJMModel) -> int | None:
        """Index of the one entry that ``new`` replaces on a re-run, if any."""
        if self.name in LOGS:
            return None
        key = self._rerun_key(new, p)
        hits = [i for i, x in enumerate(items) if self._rerun_key(x, p) == key]
        if len(hits) > 1:  # an older workbook may hold twins: say which to keep
            match(items, title_of(new), self.name)  # raises the "ambiguous" message
        return hits[0] if hits else None

    def add_many(self, items: Iterable[Any]) -> list[Any]:
        """Add several entries in one save: all of them, or (on any error) none."""
        new = [self._coerce(i, {}) for i in items]
        self._commit(lambda p: getattr(p, self.name).extend(new), note=f"{self.name}: + {len(new)}")
        return [self[_id_of(n)] for n in new]

    def replace_all(self, items: Iterable[Any]) -> None:
        """Replace the whole collection in one save (used by imports with ``mode="replace"``)."""
        new = [self._coerce(i, {}) for i in items]

        def apply(p: JourneyProject) -> None:
            getattr(p, self.name)[:] = new

        self._commit(apply, note=f"{self.name}: = {len(new)}")

    def update(self, key: Any, /, **changes: Any) -> Any:
        """Change fields of one entry (by id or name) and save; return the new entry."""
        blanks = self._blanks(None, {"key": key, **changes})
        if blanks is not None:  # ``____`` is falsy on purpose
            return blanks
        holder: dict[str, Any] = {}

        def apply(p: JourneyProject) -> None:
            items = getattr(p, self.name)
            idx = match(items, key, self.name)
            changed = items[idx].copy_with(**changes)
            if changed.id != items[idx].id:
                raise CJMError(
                    t(
                        "error.invalid_value",
                        model=model_label(self.model),
                        label=field_label(self.model, "id"),
                        field="id",
                        value=repr(changed.id),
                        allowed=items[idx].id,
                    ),
                    field="id",
                )
            items[idx] = changed
            holder["id"] = changed.id

        self._commit(apply, note=f"{self.name}: ~ {key}")
        return self[holder["id"]]

    def remove(self, key: Any, /, *, cascade: bool = False) -> Any:
        """Remove one entry and save. Entries that refer to it block removal unless
        ``cascade=True``, which removes those references (not the entries) as well."""
        holder: dict[str, Any] = {}

        def apply(p: JourneyProject) -> None:
            items = getattr(p, self.name)
            idx = match(items, key, self.name)
            gone = items.pop(idx)
            holder["gone"] = gone
            users = []
            for coll, field, target in JourneyProject.REFERENCES:
                if target != self.name:
                    continue
                for other in getattr(p, coll):
                    refs = getattr(other, field)
                    if isinstance(refs, list) and gone.id in refs:
                        users.append(f"{title_of(other)} ({t(f'collection.{coll}')})")
                        if cascade:  # validated assignment; the project is checked after
                            setattr(other, field, [r for r in refs if r != gone.id])
                    elif refs == gone.id:
                        users.append(f"{title_of(other)} ({t(f'collection.{coll}')})")
                        if cascade:
                            setattr(other, field, None)
            if users and not cascade:
                raise CJMError(
                    t(
                        "error.still_referenced",
                        model=model_label(self.model),
                        item=title_of(gone),
                        users=", ".join(users),
                    ),
                    value=key,
                )

        self._commit(apply, note=f"{self.name}: - {key}")
        return holder["gone"]
