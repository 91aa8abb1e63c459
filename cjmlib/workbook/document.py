"""The workbook file's content: parsed, checked and migrated, or refused with a German reason.

A workbook file may have been edited by hand, by another program, or by someone who
wants to break it. :func:`parse` accepts only what cjmlib itself writes (valid UTF-8
JSON, at most :data:`MAX_DEPTH` levels deep, every part of the expected type) and
raises :class:`DamagedFile` (the German problem) or :class:`SchemaProblem` otherwise,
never a raw ``RecursionError``, ``KeyError`` or ``TypeError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pydantic_core

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import JourneyProject
from cjmlib.workbook.migrations import SCHEMA_VERSION, migrate

FORMAT = "cjm-werkstatt-workbook"
#: cjmlib writes at most about 7 levels (document, project, touchpoints, entry, evidence,
#: record, value); anything far deeper was not written by it and is refused before it can
#: exhaust the interpreter's recursion limit.
MAX_DEPTH = 64

Json = Any  # a value json.loads returns: dict, list, str, int, float, bool or None

_JSON_REASONS = {
    "Expecting value": "value",
    "Expecting property name enclosed in double quotes": "property",
    "Expecting ':' delimiter": "colon",
    "Expecting ',' delimiter": "comma",
    "Unterminated string starting at": "unterminated",
    "Invalid control character at": "control",
    "Invalid \\escape": "escape",
    "Invalid \\uXXXX escape": "unicode_escape",
    "Extra data": "extra",
}


class DamagedFile(ValueError):
    """The file cannot be a workbook as it is; ``problem`` says why, in German."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


class SchemaProblem(ValueError):
    """The schema version is unknown (``newer=False``) or newer than this cjmlib knows."""

    def __init__(self, found: Json, *, newer: bool) -> None:
        super().__init__(f"schema {found!r}")
        self.found = found
        self.newer = newer


@dataclass(frozen=True)
class Document:
    """A checked workbook document at the current schema version."""

    revision: int
    saved_at: str | None
    project: JourneyProject
    #: Named states as stored: ``{"name", "taken_at", "revision", "project"}`` (checked).
    snapshots: tuple[dict[str, Json], ...] = ()
    #: The schema version the file had before migration.
    found_schema: int = SCHEMA_VERSION

    def to_json(self) -> dict[str, Json]:
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "revision": self.revision,
            "saved_at": self.saved_at,
            "project": self.project.model_dump(mode="json"),
            "snapshots": list(self.snapshots),
        }


def encode(document: dict[str, Json]) -> bytes:
    """Readable, stable JSON (UTF-8, umlauts as such, indented by one space).

    pydantic-core's serializer writes exactly what ``json.dumps(..., indent=1,
    ensure_ascii=False)`` writes, ten times faster (a save of a large project spends most
    of its time here otherwise). Raises :class:`UnicodeEncodeError` for text UTF-8 cannot
    hold (a lone surrogate).
    """
    try:
        return pydantic_core.to_json(document, indent=1) + b"\n"
    except pydantic_core.PydanticSerializationError:
        # Let the standard library name the character that cannot be encoded.
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _reject_constant(name: str) -> Json:
    raise DamagedFile(t("workbook_files.bad_constant", value=name))


def _json_problem(exc: json.JSONDecodeError) -> str:
    kind = _JSON_REASONS.get(exc.msg, "other")
    reason = t(f"workbook_files.json.{kind}")
    return t("workbook.not_json", line=exc.lineno, column=exc.colno, reason=reason)


def _walk(value: Json) -> Iterator[tuple[Json, int]]:
    """Every value below ``value`` with its depth, without recursion."""
    stack: list[tuple[Json, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        yield item, depth
        if isinstance(item, dict):
            for key, sub in item.items():
                stack.append((key, depth + 1))
                stack.append((sub, depth + 1))
        elif isinstance(item, list):
            stack.extend((sub, depth + 1) for sub in item)


def _check_shape(value: Json) -> None:
    for item, depth in _walk(value):
        if depth > MAX_DEPTH:
            raise DamagedFile(t("workbook_files.too_deep", limit=MAX_DEPTH))
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                char = f"U+{ord(item[exc.start]):04X}"
                raise DamagedFile(t("workbook_files.bad_character", char=char)) from None


def load_json(raw: bytes) -> Json:
    """Bytes to JSON values, or :class:`DamagedFile` with the German reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DamagedFile(t("workbook.not_utf8", position=exc.start)) from None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DamagedFile(_json_problem(exc)) from None
    except RecursionError:
        raise DamagedFile(t("workbook_files.too_deep", limit=MAX_DEPTH)) from None
    except DamagedFile:
        raise
    except ValueError:  # an integer with more digits than Python converts
        raise DamagedFile(t("workbook_files.number_too_long")) from None
    _check_shape(value)
    return value


def _whole_number(value: Json) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _validate_project(data: Json) -> JourneyProject:
    if not isinstance(data, dict):
        raise DamagedFile(t("workbook_files.missing_part", part="project"))
    try:
        project: JourneyProject = JourneyProject.model_validate(data)
    except CJMError as exc:
        raise DamagedFile(t("workbook.invalid_content", reason=exc.message)) from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        # Model validators were written for what cjmlib saves; anything they trip over
        # is a hand-made structure, reported as such (never with Python's English text).
        raise DamagedFile(
            t("workbook.invalid_content", reason=t("workbook_files.wrong_structure"))
        ) from None
    return project


def _check_snapshots(value: Json) -> tuple[dict[str, Json], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise DamagedFile(t("workbook_files.snapshots_not_a_list"))
    names: set[str] = set()
    checked = []
    for number, snap in enumerate(value, start=1):
        if not isinstance(snap, dict):
            raise DamagedFile(
                t(
                    "workbook_files.bad_snapshot",
                    number=number,
                    reason=t("workbook_files.not_an_object"),
                )
            )
        name = snap.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DamagedFile(
                t("workbook_files.bad_snapshot", number=number, reason=t("workbook_files.no_name"))
            )
        if name in names:
            raise DamagedFile(t("workbook_files.snapshot_twice", name=name))
        names.add(name)
        if not isinstance(snap.get("taken_at"), str):
            reason = t(
                "workbook_files.bad_field", field="taken_at", expected=t("workbook_files.a_text")
            )
            raise DamagedFile(t("workbook_files.bad_snapshot", number=number, reason=reason))
        if not _whole_number(snap.get("revision")):
            reason = t(
                "workbook_files.bad_field", field="revision", expected=t("workbook_files.a_number")
            )
            raise DamagedFile(t("workbook_files.bad_snapshot", number=number, reason=reason))
        try:
            _validate_project(snap.get("project"))
        except DamagedFile as exc:
            raise DamagedFile(
                t("workbook_files.bad_snapshot", number=number, reason=exc.problem.rstrip("."))
            ) from None
        checked.append(snap)
    return tuple(checked)


def parse(raw: bytes) -> Document:
    """Check and migrate the bytes of a workbook file.

    Raises
    ------
    DamagedFile
        The file is not a workbook cjmlib can read; ``problem`` says why (German).
    SchemaProblem
        The schema version is not a whole number from 1, or newer than this cjmlib knows.
    """
    value = load_json(raw)
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise DamagedFile(t("workbook.not_workbook"))
    found = value.get("schema_version")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise SchemaProblem(found, newer=False)
    if found > SCHEMA_VERSION:
        raise SchemaProblem(found, newer=True)
    try:
        doc, found = migrate(value)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DamagedFile(
            t("workbook.invalid_content", reason=t("workbook_files.wrong_structure"))
        ) from exc
    revision = doc.get("revision", 0)
    if not _whole_number(revision):
        raise DamagedFile(t("workbook_files.bad_revision", found=json.dumps(revision)))
    saved_at = doc.get("saved_at")
    if saved_at is not None and not isinstance(saved_at, str):
        raise DamagedFile(
            t("workbook_files.bad_field", field="saved_at", expected=t("workbook_files.a_text"))
        )
    project = _validate_project(doc.get("project"))
    snapshots = _check_snapshots(doc.get("snapshots"))
    return Document(revision, saved_at, project, snapshots, found)
