"""Schema versions of the workbook file and how older ones are brought up to date.

Version 1 was the course's first draft format: the project's fields stood at the top
level, phases were a plain list of names, and emotions were scored 1..5. Version 2
wraps the project, keeps phases as a phase model with stable ids, scores emotions
-2..+2 and adds named snapshots.

A migration only moves what it recognises; parts of a hand-edited file that have the
wrong type are left as they are, so that the model's validation names them in German.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 3

Document = dict[str, Any]


def _v1_to_v2(doc: Document) -> Document:
    meta_keys = {"format", "schema_version", "revision", "saved_at"}
    project = {k: v for k, v in doc.items() if k not in meta_keys}
    phases = project.pop("phases", None)
    if phases is not None:
        project["phase_model"] = {"name": "Eigenes Phasenmodell", "phases": phases}
    touchpoints = project.get("touchpoints", [])
    for tp in touchpoints if isinstance(touchpoints, list) else []:
        emotion = tp.get("emotion") if isinstance(tp, dict) else None
        if isinstance(emotion, int) and not isinstance(emotion, bool):
            tp["emotion"] = emotion - 3
    return {
        "format": doc["format"],
        "schema_version": 2,
        "revision": doc.get("revision", 0),
        "saved_at": doc.get("saved_at"),
        "project": project,
        "snapshots": [],
    }


def _v2_to_v3(doc: Document) -> Document:
    """Version 3 adds the living map: evidence rules and verification records.

    Both are new lists that start empty; nothing else moves. Parts that are not what a
    version-2 file holds are left as they are (the model's validation names them).
    """
    projects = [doc.get("project")]
    snapshots = doc.get("snapshots")
    if isinstance(snapshots, list):
        projects += [s.get("project") for s in snapshots if isinstance(s, dict)]
    for project in projects:
        if isinstance(project, dict):
            project.setdefault("evidence_rules", [])
            project.setdefault("verifications", [])
    return {**doc, "schema_version": 3}


MIGRATIONS: dict[int, Callable[[Document], Document]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(doc: Document) -> tuple[Document, int]:
    """Return the document at the current schema version and the version it came in."""
    found: int = doc["schema_version"]
    version = found
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["schema_version"]
    return doc, found
