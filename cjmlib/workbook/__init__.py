"""Persistence of the journey project: atomic saves, locking, history, snapshots."""

from cjmlib.workbook.collection import Collection
from cjmlib.workbook.diff import Change, ProjectDiff, compare_projects
from cjmlib.workbook.migrations import SCHEMA_VERSION
from cjmlib.workbook.workbook import MAX_VERSIONS, SnapshotInfo, Version, Workbook

__all__ = [
    "MAX_VERSIONS",
    "SCHEMA_VERSION",
    "Change",
    "Collection",
    "ProjectDiff",
    "SnapshotInfo",
    "Version",
    "Workbook",
    "compare_projects",
]
