"""Recovery never turns data into an empty project; hostile or hand-edited files are refused.

Issue 15, items 1 and 4: a missing main file with history beside it, ``recover()`` moving the
broken file away before writing the good version, repeated revision numbers, JSON nested
1,000+ levels (also inside the versions folder), a non-integer ``revision`` and a snapshot
without a name.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from _files_support import fill_up, small_disk

from cjmlib.errors import CJMError, WorkbookError
from cjmlib.workbook import Workbook, storage


def add_tp(wb: Workbook, name: str, phase: str = "Kauf", **fields):
    return wb.touchpoints.add(name=name, phase=phase, channel="Filiale", **fields)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "projekt.cjm.json"


@pytest.fixture
def good(path: Path) -> tuple[Path, Workbook]:
    """Revisions 1 (empty), 2 (Kasse), 3 (Kasse + Website)."""
    wb = Workbook.open(path, name="Testprojekt")
    add_tp(wb, "Kasse")
    add_tp(wb, "Website", phase="Überlegung")
    return path, wb


def revisions(path: Path) -> list[int]:
    return [v.revision for v in Workbook._list_versions(path)]


def version_files(path: Path) -> list[str]:
    return sorted(p.name for p in Workbook.versions_dir(path).iterdir())


def deep_json(levels: int = 5000) -> bytes:
    return ("[" * levels + "]" * levels).encode()


# -- item 1: a missing main file is never an empty project ------------------------------------


def test_missing_main_file_with_history_is_an_error_naming_the_last_good_version(good):
    path, _ = good
    newest = sorted(Workbook.versions_dir(path).iterdir())[-1]
    before = version_files(path)
    path.unlink()
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    message = str(info.value)
    assert message.startswith(f"Das Arbeitsbuch „{path}“ fehlt, aber daneben liegt sein Verlauf")
    assert newest.name in message
    assert f'Workbook.recover("{path}")' in message
    assert "neu anfangen" in message
    assert info.value.last_good == str(newest)
    # nothing was created: no empty project, no new version
    assert not path.exists()
    assert version_files(path) == before
    # recover() brings the data back
    recovered = Workbook.recover(path)
    assert [t.name for t in recovered.touchpoints] == ["Kasse", "Website"]


def test_missing_main_file_with_only_unreadable_history_creates_nothing(good):
    path, _ = good
    for version in Workbook.versions_dir(path).iterdir():
        version.write_bytes(b"{kaputt")
    path.unlink()
    with pytest.raises(WorkbookError, match="keine der Versionen darin lässt sich lesen"):
        Workbook.open(path)
    assert not path.exists()


def test_recover_never_leaves_the_main_file_missing_when_writing_fails(good, monkeypatch):
    """The old recover() renamed the broken file away first: a failure then left no file."""
    path, _ = good
    broken = path.read_bytes()[:-30]
    path.write_bytes(broken)
    real_write = storage.atomic_write

    def disk_full_for_the_main_file(target, data, **kwargs):
        if Path(target) == path:  # the copy of the broken file still works
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(target, data, **kwargs)

    monkeypatch.setattr(storage, "atomic_write", disk_full_for_the_main_file)
    with pytest.raises(CJMError) as info:
        Workbook.recover(path)
    assert "Speicherplatz ist voll" in str(info.value)
    assert "No space" not in str(info.value)
    assert path.read_bytes() == broken  # still there, untouched


def test_recover_on_a_really_full_disk_keeps_the_broken_file_in_place():
    with small_disk(256) as disk:
        path = disk / "voll.cjm.json"
        wb = Workbook.open(path)
        add_tp(wb, "Kasse")
        broken = path.read_bytes()[:-30]
        path.write_bytes(broken)
        fill_up(disk)
        with pytest.raises(CJMError, match="Speicherplatz ist voll"):
            Workbook.recover(path)
        assert path.read_bytes() == broken
        assert not [p for p in disk.rglob("*") if ".tmp" in p.name]


def test_revision_numbers_never_repeat_after_recovering_an_older_version(good):
    path, _ = good
    versions = sorted(Workbook.versions_dir(path).iterdir())
    versions[-1].write_bytes(b"{")  # r3 is broken, so r2 is the last good one
    path.write_bytes(b"")
    recovered = Workbook.recover(path)
    assert recovered.recovered_from.revision == 2
    assert [t.name for t in recovered.touchpoints] == ["Kasse"]
    assert recovered.revision > 3
    add_tp(recovered, "App")
    numbers = revisions(path)
    assert numbers == sorted(set(numbers)), numbers  # unique and increasing
    assert recovered.revision == numbers[-1]
    # version(n) is unambiguous: each number names one state
    assert [t.name for t in recovered.version(numbers[-1]).touchpoints] == ["Kasse", "App"]
    assert [t.name for t in recovered.version(2).touchpoints] == ["Kasse"]


def test_version_refuses_to_guess_between_two_files_with_the_same_number(good):
    """Folders written by older builds may hold a number twice: name both files, pick none."""
    path, wb = good
    folder = Workbook.versions_dir(path)
    first = sorted(folder.iterdir())[-1]
    twin = folder / first.name.replace("_", "_9", 1)
    twin.write_bytes(first.read_bytes())
    with pytest.raises(CJMError, match="gibt es zweimal") as info:
        wb.version(3)
    assert first.name in str(info.value) and twin.name in str(info.value)


def test_recover_copies_the_broken_file_and_keeps_it_only_once(good):
    path, project_wb = good
    project = project_wb.project
    broken = b"kaputt"
    path.write_bytes(broken)
    first = Workbook.recover(path)
    assert first.project == project
    kept = list(path.parent.glob(f"{path.name}.defekt-*"))
    assert [k.read_bytes() for k in kept] == [broken]


# -- item 4: hostile or hand-edited files -------------------------------------------------------


def test_deeply_nested_json_is_a_clear_error_not_a_recursion_error(good):
    path, _ = good
    path.write_bytes(deep_json())
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    message = str(info.value)
    assert "zu tief verschachtelt" in message
    assert "Die letzte gute Version ist vom" in message
    assert path.read_bytes() == deep_json()


def test_deeply_nested_version_next_to_a_broken_main_file(good):
    path, _ = good
    versions = sorted(Workbook.versions_dir(path).iterdir())
    versions[-1].write_bytes(deep_json())
    path.write_bytes(deep_json(2000))
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    assert Path(info.value.last_good).name == versions[-2].name
    recovered = Workbook.recover(path)
    assert [t.name for t in recovered.touchpoints] == ["Kasse"]


@pytest.mark.parametrize("value", ["5", 1.5, None, -1, True, [3], {"n": 3}, 10**30])
def test_a_revision_that_is_not_a_whole_number_is_refused_at_open(good, value):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["revision"] = value
    data = json.dumps(doc, ensure_ascii=False).encode()
    path.write_bytes(data)
    if value == 10**30:
        # a whole number, just large: the workbook goes on counting from there
        wb = Workbook.open(path)
        add_tp(wb, "Danach")
        assert wb.revision == 10**30 + 1
        return
    with pytest.raises(WorkbookError, match=re.escape("Das Feld `revision`")):
        Workbook.open(path)
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        (lambda s: s.pop("name"), "hat keinen Namen"),
        (lambda s: s.update(name=""), "hat keinen Namen"),
        (lambda s: s.update(name=7), "hat keinen Namen"),
        (lambda s: s.pop("project"), "`project`"),
        (lambda s: s.update(revision="x"), "`revision`"),
        (lambda s: s.update(taken_at=5), "`taken_at`"),
    ],
)
def test_a_snapshot_without_a_name_or_parts_is_refused_at_open(good, change, phrase):
    path, wb = good
    wb.snapshot("Iteration 1")
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["snapshots"][0])
    data = json.dumps(doc, ensure_ascii=False).encode()
    path.write_bytes(data)
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    assert "Stand Nr. 1" in str(info.value)
    assert phrase in str(info.value)
    assert path.read_bytes() == data


def test_two_snapshots_with_the_same_name_are_refused(good):
    path, wb = good
    wb.snapshot("Iteration 1")
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["snapshots"].append(dict(doc["snapshots"][0]))
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(WorkbookError, match="„Iteration 1“ gibt es zweimal"):
        Workbook.open(path)


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        (b'{"format": "cjm-werkstatt-workbook", "revision": ' + b"9" * 5000 + b"}", "Stellen"),
        (b'{"format": "cjm-werkstatt-workbook", "revision": NaN}', "NaN"),
        (b'{"format": "cjm-werkstatt-workbook", "x": Infinity}', "Infinity"),
        (b'{"format": "cjm-werkstatt-workbook", "x": "\\ud800"}', "Zeichen"),
        (b'{"format": "cjm-werkstatt-workbook", "schema_version": 2, "revision": 1}', "project"),
        (
            b'{"format": "cjm-werkstatt-workbook", "schema_version": 2, "revision": 1, '
            b'"project": [], "snapshots": {}}',
            "project",
        ),
        (
            b'{"format": "cjm-werkstatt-workbook", "schema_version": 2, "revision": 1, '
            b'"project": {}, "snapshots": {}}',
            "snapshots",
        ),
        (b'{"format": "cjm-werkstatt-workbook", "schema_version": 1, "touchpoints": 5}', "Modell"),
        (
            b'{"format": "cjm-werkstatt-workbook", "schema_version": 1, "touchpoints": [1]}',
            "Modell",
        ),
    ],
)
def test_hand_edited_files_give_a_german_error_and_stay_untouched(tmp_path, raw, phrase):
    path = tmp_path / "hand.cjm.json"
    path.write_bytes(raw)
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    message = str(info.value)
    assert message.startswith(f"Das Arbeitsbuch „{path}“ ist beschädigt: ")
    assert phrase in message
    for english in ("Exceeds the limit", "object is not", "Traceback", "has no attribute"):
        assert english not in message
    assert path.read_bytes() == raw


def test_a_text_that_cannot_be_saved_is_refused_without_changing_anything(good):
    path, wb = good
    before = path.read_bytes()
    # A lone surrogate cannot be written as UTF-8: the model refuses it before any save.
    with pytest.raises(CJMError, match="Das Feld „Name“") as info:
        add_tp(wb, "Kasse \ud800")
    assert "surrogate" not in str(info.value)
    assert path.read_bytes() == before
    assert [t.name for t in wb.touchpoints] == ["Kasse", "Website"]


def test_open_and_recover_never_raise_raw_errors_for_a_versions_folder_full_of_junk(good):
    path, _ = good
    folder = Workbook.versions_dir(path)
    junk = [
        deep_json(),
        b"\xff\xfe\x00",
        b'{"format": "cjm-werkstatt-workbook", "schema_version": 2, "revision": "x"}',
        b'{"format": "cjm-werkstatt-workbook", "revision": ' + b"1" * 5000 + b"}",
    ]
    for i, data in enumerate(junk):
        (folder / f"r9{i:05d}_2099-01-01T00_00_00.json").write_bytes(data)
    (folder / "r999999_ordner.json").mkdir()
    path.write_bytes(b"[")
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    assert Path(info.value.last_good).name.startswith("r000003_")
    recovered = Workbook.recover(path)
    assert len(recovered.touchpoints) == 2
    assert os.path.isdir(folder / "r999999_ordner.json")
