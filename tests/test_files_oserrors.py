"""Every operating-system error becomes a German message; the trainee's file stays as it was.

Issue 15, items 2 and 3, with real conditions wherever the machine allows: a tiny tmpfs that
is really full or really remounted read-only, a folder that really denies the user
``nobody`` (root ignores permissions, and CI runs as root), a folder where a file is
expected, and a name longer than the file system allows. For open, save, snapshot, restore,
recover, every export and a schema-1 workbook that must be migrated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _charts_fixtures import small_project
from _files_support import (
    as_other_user,
    files_in,
    fill_up,
    remount,
    remove_tree,
    shared_folder,
    small_disk,
    temp_files,
)

from cjmlib.charts import touchpoint_heatmap_chart
from cjmlib.errors import CJMError, WorkbookError
from cjmlib.workbook import Workbook
from cjmlib.workbook.migrations import SCHEMA_VERSION

ENGLISH = (
    "No space",
    "Read-only file system",
    "Permission denied",
    "Is a directory",
    "File name too long",
    "Errno",
    "[Err",
)


def add_tp(wb: Workbook, name: str, phase: str = "Kauf", **fields: Any):
    return wb.touchpoints.add(name=name, phase=phase, channel="Filiale", **fields)


def assert_german(message: str, *phrases: str) -> None:
    for english in ENGLISH:
        assert english not in message, message
    for phrase in phrases:
        assert phrase in message, message


def prepared_workbook(folder: Path) -> Workbook:
    wb = Workbook.open(folder / "projekt.cjm.json", name="Kursprojekt")
    add_tp(wb, "Kasse")
    wb.snapshot("Eins")
    add_tp(wb, "App")
    return wb


EDITS: dict[str, Callable[[Workbook], Any]] = {
    "add": lambda wb: add_tp(wb, "Neu"),
    "update": lambda wb: wb.touchpoints.update("Kasse", relevance=5),
    "batch": lambda wb: _batch(wb),
    "snapshot": lambda wb: wb.snapshot("Zwei"),
    "restore": lambda wb: wb.restore("Eins"),
    "restore_version": lambda wb: wb.restore_version(2),
}


def _batch(wb: Workbook) -> None:
    with wb.batch():
        add_tp(wb, "Im Stapel")


def export_calls(project: Any) -> dict[str, Callable[[Path], Any]]:
    import cjmlib.io as io  # save_report/save_mermaid are looked up at call time

    frame = pd.DataFrame({"Name": ["Lena", "=1+1"], "Alter": [34, 41]})
    chart = touchpoint_heatmap_chart(project)
    return {
        "table.csv": lambda f: io.export_table(frame, f / "tabelle.csv"),
        "table.xlsx": lambda f: io.export_table(frame, f / "tabelle.xlsx"),
        "project.csv": lambda f: io.export_project_tables(project, f / "projekt.csv"),
        "project.xlsx": lambda f: io.export_project_tables(project, f / "projekt.xlsx"),
        "personas.csv": lambda f: io.export_collection(project, "personas", f / "personas.csv"),
        "touchpoints.xlsx": lambda f: io.export_collection(project, "touchpoints", f / "tp.xlsx"),
        "chart.png": lambda f: io.save_chart(chart, f / "karte.png"),
        "chart.svg": lambda f: io.save_chart(chart, f / "karte.svg"),
        "chart.pdf": lambda f: io.save_chart(chart, f / "karte.pdf"),
        "report.html": lambda f: io.save_report(project, f / "bericht.html", image="none"),
        "report.md": lambda f: io.save_report(project, f / "bericht.md"),
        "mermaid.mmd": lambda f: io.save_mermaid(project, f / "journey.mmd"),
    }


EXPORTS = list(export_calls(small_project()))


# -- read-only folders ---------------------------------------------------------------------------


def test_read_only_file_system_opens_for_reading_and_refuses_every_save_in_german():
    with small_disk(1024) as disk:
        wb = prepared_workbook(disk)
        path = wb.path
        remount(disk, "ro")
        before = files_in(disk)
        again = Workbook.open(path)  # the lock file cannot be created: reading still works
        assert [t.name for t in again.touchpoints] == ["Kasse", "App"]
        for name, edit in EDITS.items():
            with pytest.raises(WorkbookError) as info:
                edit(again)
            assert_german(str(info.value), "schreibgeschützt", "Deine Änderung wurde nicht")
            assert files_in(disk) == before, name
        with pytest.raises(WorkbookError) as info:
            Workbook.open(disk / "neu.cjm.json")
        assert_german(str(info.value), "konnte nicht angelegt werden", "schreibgeschützt")
        assert files_in(disk) == before
        remount(disk, "rw")


def test_read_only_file_system_recover_is_german():
    with small_disk(1024) as disk:
        wb = prepared_workbook(disk)
        wb.path.write_bytes(b"kaputt")
        remount(disk, "ro")
        with pytest.raises(WorkbookError) as info:
            Workbook.recover(wb.path)
        assert_german(str(info.value), "schreibgeschützt")
        assert wb.path.read_bytes() == b"kaputt"
        remount(disk, "rw")


@pytest.mark.parametrize("export", EXPORTS)
def test_read_only_file_system_exports_are_german(export):
    call = export_calls(small_project())[export]
    with small_disk(256) as disk:
        remount(disk, "ro")
        with pytest.raises(CJMError) as info:
            call(disk)
        assert_german(str(info.value), "schreibgeschützt")
        remount(disk, "rw")
        assert list(disk.iterdir()) == []


def _edit_as_nobody(path: str) -> list[tuple[str, Any]]:
    results = [("open", [t.name for t in Workbook.open(path).touchpoints])]
    for name, edit in EDITS.items():
        try:
            edit(Workbook.open(path))
            results.append((name, "gespeichert"))
        except CJMError as exc:
            results.append((name, ("CJMError", str(exc))))
    try:
        Workbook.open(Path(path).with_name("neu.cjm.json"))
        results.append(("create", "angelegt"))
    except CJMError as exc:
        results.append(("create", ("CJMError", str(exc))))
    return results


def test_folder_without_write_permission_for_a_real_user():
    folder = shared_folder()
    try:
        wb = prepared_workbook(folder)
        for item in folder.rglob("*"):
            item.chmod(0o755 if item.is_dir() else 0o644)
        folder.chmod(0o555)
        Workbook.versions_dir(wb.path).chmod(0o555)
        before = files_in(folder)
        outcome, results = as_other_user(_edit_as_nobody, str(wb.path))
        assert outcome == "ok", results
        assert results[0] == ("open", ["Kasse", "App"])
        for name, result in results[1:]:
            assert result[0] == "CJMError", (name, result)
            assert_german(result[1], "Berechtigung")
        assert files_in(folder) == before
        assert temp_files(folder) == []
    finally:
        remove_tree(folder)


def _export_as_nobody(folder: str) -> list[tuple[str, Any]]:
    results = []
    for name, call in export_calls(small_project()).items():
        if name.startswith("chart."):
            # vl-convert's renderer threads do not survive fork(); chart files are written
            # by the same write_export as every other export (read-only and full-disk
            # tests above cover charts in-process).
            continue
        try:
            call(Path(folder))
            results.append((name, "geschrieben"))
        except CJMError as exc:
            results.append((name, ("CJMError", str(exc))))
    return results


def test_exports_into_a_folder_without_write_permission_for_a_real_user():
    folder = shared_folder()
    try:
        folder.chmod(0o555)
        outcome, results = as_other_user(_export_as_nobody, str(folder))
        assert outcome == "ok", results
        assert len(results) == len(EXPORTS) - 3
        for name, result in results:
            assert result[0] == "CJMError", (name, result)
            assert_german(result[1], "Berechtigung")
        assert list(folder.iterdir()) == []
    finally:
        remove_tree(folder)


# -- full disks ----------------------------------------------------------------------------------


def test_full_disk_refuses_every_save_in_german_and_changes_nothing():
    with small_disk(1024) as disk:
        wb = prepared_workbook(disk)
        fill_up(disk)
        before = files_in(disk)
        for name, edit in EDITS.items():
            with pytest.raises(WorkbookError) as info:
                edit(wb)
            assert_german(str(info.value), "Speicherplatz ist voll", "Deine Änderung wurde nicht")
            assert files_in(disk) == before, name
            assert temp_files(disk) == [], name
        assert [t.name for t in Workbook.open(wb.path).touchpoints] == ["Kasse", "App"]
        with pytest.raises(WorkbookError) as info:
            Workbook.open(disk / "neu.cjm.json")
        assert_german(str(info.value), "konnte nicht angelegt werden", "Speicherplatz")
        assert not (disk / "neu.cjm.json").exists()
        assert temp_files(disk) == []


@pytest.mark.parametrize("export", EXPORTS)
def test_full_disk_exports_are_german_and_leave_no_temp_file(export):
    call = export_calls(small_project())[export]
    with small_disk(128) as disk:
        fill_up(disk)
        before = files_in(disk)
        with pytest.raises(CJMError) as info:
            call(disk)
        assert_german(str(info.value), "Speicherplatz ist voll")
        assert files_in(disk) == before
        assert temp_files(disk) == []


def test_full_disk_export_keeps_the_previous_file():
    with small_disk(128) as disk:
        from cjmlib.io import export_table

        target = disk / "tabelle.csv"
        export_table(pd.DataFrame({"Name": ["alt"]}), target)
        old = target.read_bytes()
        fill_up(disk)
        with pytest.raises(CJMError, match="Speicherplatz ist voll"):
            export_table(pd.DataFrame({"Name": ["neu" * 5000]}), target)
        assert target.read_bytes() == old


SCHEMA_1 = {
    "format": "cjm-werkstatt-workbook",
    "schema_version": 1,
    "revision": 3,
    "name": "Altes Projekt",
    "phases": ["Bewusstsein", "Überlegung", "Kauf", "Nachkauf"],
    "touchpoints": [{"id": "tp-1", "name": "Kasse", "phase": "Kauf", "channel": "Filiale"}],
}


def test_schema_1_workbook_on_a_full_disk_opens_and_refuses_to_save_in_german():
    with small_disk(256) as disk:
        path = disk / "alt.cjm.json"
        raw = json.dumps(SCHEMA_1).encode()
        path.write_bytes(raw)
        fill_up(disk)
        wb = Workbook.open(path)  # migrated in memory; the original is kept before any save
        assert [t.name for t in wb.touchpoints] == ["Kasse"]
        with pytest.raises(WorkbookError) as info:
            add_tp(wb, "Neu")
        assert_german(str(info.value), "Speicherplatz ist voll")
        assert path.read_bytes() == raw
        assert temp_files(disk) == []
        # with space again, the original is kept first, then the migrated file is saved
        (disk / "fueller.bin").unlink()
        add_tp(wb, "Neu")
        assert (disk / "alt.cjm.json.schema1.bak").read_bytes() == raw
        assert json.loads(path.read_bytes())["schema_version"] == SCHEMA_VERSION


def test_schema_1_workbook_in_a_read_only_folder_can_be_read():
    with small_disk(256) as disk:
        path = disk / "alt.cjm.json"
        raw = json.dumps(SCHEMA_1).encode()
        path.write_bytes(raw)
        remount(disk, "ro")
        wb = Workbook.open(path)
        assert wb.project.name == "Altes Projekt"
        with pytest.raises(WorkbookError, match="schreibgeschützt"):
            add_tp(wb, "Neu")
        remount(disk, "rw")
        assert path.read_bytes() == raw


# -- a folder where a file belongs, names that are too long ------------------------------------


@pytest.mark.parametrize("export", EXPORTS)
def test_a_folder_in_place_of_the_export_file_is_german(tmp_path, export):
    call = export_calls(small_project())[export]
    # every file an export would write is a folder here
    probe = tmp_path / "probe"
    probe.mkdir()
    call(probe)
    names = [p.name for p in probe.iterdir()]
    target = tmp_path / "ziel"
    target.mkdir()
    for name in names:
        (target / name).mkdir()
    with pytest.raises(CJMError) as info:
        call(target)
    assert_german(str(info.value), "Ordner")
    assert temp_files(target) == []
    assert all((target / n).is_dir() for n in names)


@pytest.mark.parametrize("export", EXPORTS)
def test_a_name_that_is_too_long_is_german(tmp_path, export):
    call = export_calls(small_project())[export]
    with pytest.raises(CJMError) as info:
        call(tmp_path / ("x" * 300))
    assert_german(str(info.value), "zu lang")


def test_workbook_name_that_is_too_long_is_german(tmp_path):
    with pytest.raises(WorkbookError) as info:
        Workbook.open(tmp_path / ("ü" * 200 + ".cjm.json"))
    assert_german(str(info.value), "zu lang")
    assert list(tmp_path.iterdir()) == []


def _open_as_nobody(path: str) -> Workbook:
    return Workbook.open(path)


def test_workbook_file_that_cannot_be_read_is_german():
    folder = shared_folder()
    try:
        wb = prepared_workbook(folder)
        wb.path.chmod(0o600)
        outcome, result = as_other_user(_open_as_nobody, str(wb.path))
        assert outcome == "raised"
        name, message, is_ours = result
        assert is_ours, (name, message)
        assert_german(message, "konnte nicht gelesen werden", "Berechtigung")
    finally:
        remove_tree(folder)
