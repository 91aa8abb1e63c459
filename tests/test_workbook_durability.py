"""Fault injection: a save is durable before it returns, and the history never runs ahead.

Issue 15, item 8: the concurrency test could not see a missing ``fsync`` or a version copy
written before the main file. These tests watch the real system calls of a save (the
calls still happen; the wrappers only record them in order) and inject a failure exactly
at the rename of the main file:

- the new bytes of the main file are fsynced *before* they are renamed into place, and the
  folder is fsynced *after* the rename and before the save returns (otherwise a power cut
  can leave an empty or old file although the trainee saw "gespeichert");
- the history copy of a revision is written only *after* the main file holds it: a save
  that fails at the main file leaves no version of a state that was never saved.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cjmlib.errors import WorkbookError
from cjmlib.workbook import Workbook


class SyscallLog:
    """Records fsync and rename calls (with the inode they touch) and passes them on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[str, int, str]] = []
        self.fail_rename_to: Path | None = None
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            st = os.fstat(fd)
            kind = "fsync-dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "fsync"
            self.events.append((kind, st.st_ino, ""))
            real_fsync(fd)

        def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str], **kw: object) -> None:
            if self.fail_rename_to is not None and Path(dst) == self.fail_rename_to:
                raise OSError(errno.EIO, "simulated crash at the rename")
            self.events.append(("rename", os.stat(src).st_ino, str(dst)))
            real_replace(src, dst, **kw)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)

    def index(self, kind: str, *, inode: int | None = None, target: str | None = None) -> int:
        for i, (k, ino, dst) in enumerate(self.events):
            if k == kind and (inode is None or ino == inode) and (target is None or dst == target):
                return i
        raise AssertionError(f"no {kind} (inode={inode}, target={target}) in {self.events}")


@pytest.fixture
def wb(tmp_path: Path) -> Workbook:
    book = Workbook.open(tmp_path / "projekt.cjm.json")
    book.personas.add(name="Lena")
    return book


def test_the_main_file_is_fsynced_before_the_rename_and_the_folder_after(wb, monkeypatch):
    log = SyscallLog(monkeypatch)
    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    main = str(wb.path)
    rename = log.index("rename", target=main)
    new_inode = log.events[rename][1]
    assert os.stat(main).st_ino == new_inode
    # the new file's bytes reached the disk before the rename made them the workbook
    assert log.index("fsync", inode=new_inode) < rename
    # the rename itself reached the disk (folder fsync) before the save returned
    folder = os.stat(wb.path.parent).st_ino
    assert any(
        kind == "fsync-dir" and ino == folder for kind, ino, _ in log.events[rename + 1 :]
    ), log.events


def test_every_kind_of_save_is_durable(wb, monkeypatch):
    log = SyscallLog(monkeypatch)
    saves = [
        lambda: wb.set_goal(business_goal="Mehr Stammkunden"),
        lambda: wb.snapshot("Eins"),
        lambda: wb.restore("Eins"),
        lambda: wb.restore_version(2),
        lambda: _batch(wb),
    ]
    for save in saves:
        log.events.clear()
        save()
        rename = log.index("rename", target=str(wb.path))
        assert log.index("fsync", inode=log.events[rename][1]) < rename


def _batch(wb: Workbook) -> None:
    with wb.batch():
        wb.personas.add(name="Tom")


def test_the_history_copy_is_written_after_the_main_file(wb, monkeypatch):
    log = SyscallLog(monkeypatch)
    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    main = log.index("rename", target=str(wb.path))
    version = next(
        i for i, (k, _, dst) in enumerate(log.events) if k == "rename" and ".versionen" in dst
    )
    assert main < version


def test_a_save_that_fails_at_the_main_file_leaves_no_version_of_it(wb, monkeypatch):
    before = sorted(p.name for p in Workbook.versions_dir(wb.path).iterdir())
    revision = wb.revision
    main_bytes = wb.path.read_bytes()
    log = SyscallLog(monkeypatch)
    log.fail_rename_to = wb.path
    with pytest.raises(WorkbookError, match="konnte nicht gespeichert werden"):
        wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    assert wb.path.read_bytes() == main_bytes
    assert sorted(p.name for p in Workbook.versions_dir(wb.path).iterdir()) == before
    log.fail_rename_to = None
    wb.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    numbers = [v.revision for v in wb.history()]
    assert numbers == sorted(set(numbers)) and wb.revision == revision + 1
    assert [t.name for t in wb.version(wb.revision).touchpoints] == ["Kasse"]
