"""One workbook used from batches, threads, symlinks and shared folders (issue 15, item 7)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from cjmlib.workbook import Workbook, storage


def add_tp(wb: Workbook, name: str, phase: str = "Kauf", **fields):
    return wb.touchpoints.add(name=name, phase=phase, channel="Filiale", **fields)


@pytest.fixture
def short_lock(monkeypatch):
    """Without the fix these tests wait for the lock; let them fail after 2 s, not 30 s."""
    monkeypatch.setattr(storage, "LOCK_TIMEOUT_S", 2)


@pytest.fixture
def wb(tmp_path: Path) -> Workbook:
    return Workbook.open(tmp_path / "projekt.cjm.json")


# -- snapshot() and Workbook.open inside batch() ------------------------------------------------


def test_snapshot_inside_a_batch_is_saved_with_the_batch(wb, short_lock):
    start = wb.revision
    with wb.batch():
        add_tp(wb, "Kasse")
        info = wb.snapshot("Mitten im Stapel")
        add_tp(wb, "App")
    assert wb.revision == start + 1  # one save for the whole batch
    assert info.revision == wb.revision
    again = Workbook.open(wb.path)
    assert [s.name for s in again.snapshots()] == ["Mitten im Stapel"]
    assert [t.name for t in again.snapshot_project("Mitten im Stapel").touchpoints] == ["Kasse"]
    assert [t.name for t in again.touchpoints] == ["Kasse", "App"]


def test_a_failing_batch_drops_its_snapshot_too(wb, short_lock):
    before = wb.path.read_bytes()
    with pytest.raises(ZeroDivisionError), wb.batch():
        add_tp(wb, "Kasse")
        wb.snapshot("Verworfen")
        1 / 0  # noqa: B018
    assert wb.path.read_bytes() == before
    assert wb.snapshots() == []


def test_open_inside_a_batch_sees_the_saved_state(wb, short_lock):
    add_tp(wb, "Vorher")
    with wb.batch():
        add_tp(wb, "Im Stapel")
        other = Workbook.open(wb.path)
        assert [t.name for t in other.touchpoints] == ["Vorher"]
    assert [t.name for t in Workbook.open(wb.path).touchpoints] == ["Vorher", "Im Stapel"]


def test_restore_inside_a_batch(wb, short_lock):
    add_tp(wb, "Kasse")
    wb.snapshot("Eins")
    with wb.batch():
        add_tp(wb, "App")
        wb.restore("Eins")
        add_tp(wb, "Hotline")
    assert [t.name for t in Workbook.open(wb.path).touchpoints] == ["Kasse", "Hotline"]


# -- two threads sharing one Workbook ------------------------------------------------------------


def test_an_edit_from_another_thread_is_never_swallowed_by_a_failing_batch(wb, short_lock):
    in_batch = threading.Event()
    other_returned = threading.Event()
    errors: list[BaseException] = []

    def batch_that_fails() -> None:
        try:
            with wb.batch():
                add_tp(wb, "Stapel")
                in_batch.set()
                # Give the other thread time to make its edit while the batch is open.
                other_returned.wait(timeout=0.5)
                raise RuntimeError("Abbruch im Stapel")
        except RuntimeError:
            pass

    def other_edit() -> None:
        in_batch.wait(timeout=5)
        try:
            wb.personas.add(name="Aus dem anderen Thread")
        except BaseException as exc:  # the test reports it
            errors.append(exc)
        other_returned.set()

    threads = [threading.Thread(target=batch_that_fails), threading.Thread(target=other_edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    # the other thread's call returned normally, so its edit must be saved
    again = Workbook.open(wb.path)
    assert [p.name for p in again.personas] == ["Aus dem anderen Thread"]
    assert [t.name for t in again.touchpoints] == []


def test_threads_editing_one_workbook_lose_nothing(wb, short_lock):
    def work(n: int) -> None:
        for i in range(10):
            if i % 3 == 0:
                with wb.batch():
                    add_tp(wb, f"T{n}-{i}")
            else:
                add_tp(wb, f"T{n}-{i}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    names = {t.name for t in Workbook.open(wb.path).touchpoints}
    assert names == {f"T{n}-{i}" for n in range(4) for i in range(10)}
    assert wb.revision == 41


# -- symlinks and file modes ---------------------------------------------------------------------


def test_saving_through_a_symlink_writes_the_real_file(tmp_path):
    real_dir = tmp_path / "echt"
    real_dir.mkdir()
    real = real_dir / "projekt.cjm.json"
    Workbook.open(real)
    link = tmp_path / "verknuepfung.cjm.json"
    link.symlink_to(real)
    wb = Workbook.open(link)
    add_tp(wb, "Über den Link")
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert [t.name for t in Workbook.open(real).touchpoints] == ["Über den Link"]
    # the history and the lock belong to the real file, however it was opened
    assert Workbook.versions_dir(link) == Workbook.versions_dir(real)
    assert len(Workbook.open(real).history()) == 2
    assert not (tmp_path / "verknuepfung.cjm.json.versionen").exists()


def test_two_ways_to_one_file_share_one_lock(tmp_path, short_lock):
    real = tmp_path / "projekt.cjm.json"
    link = tmp_path / "link.cjm.json"
    first = Workbook.open(real)
    link.symlink_to(real)
    second = Workbook.open(link)
    add_tp(first, "A")
    add_tp(second, "B")
    add_tp(first, "C")
    assert [t.name for t in Workbook.open(real).touchpoints] == ["A", "B", "C"]


def test_every_save_keeps_the_file_mode(wb):
    wb.path.chmod(0o640)
    add_tp(wb, "Kasse")
    assert stat.S_IMODE(wb.path.stat().st_mode) == 0o640
    wb.path.chmod(0o664)
    wb.snapshot("Eins")
    assert stat.S_IMODE(wb.path.stat().st_mode) == 0o664


def test_a_new_workbook_gets_the_usual_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        wb = Workbook.open(tmp_path / "neu.cjm.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(wb.path.stat().st_mode) == 0o644
