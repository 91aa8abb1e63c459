"""A process killed at any moment – while saving or while recovering – loses no acknowledged edit.

A forked child edits a workbook in a tight loop and, after each save has returned, writes
the number of that edit to a pipe: its acknowledgement, as a trainee's notebook cell would
show "gespeichert". The parent kills the child with SIGKILL at random moments (some right
inside a write of the main file) and then checks:

- the main file exists and opens without an error (never half a file, never a temporary
  file taken for it, never an empty project);
- it holds exactly the state after some edit ``e`` that is at least the last acknowledged
  one (the one save in flight may or may not have landed): every acknowledged edit is there;
- the history's revision numbers are unique, none is newer than the main file, and each
  kept version is exactly the state after one edit.

Every fifth round the parent first breaks the main file and the child runs
``Workbook.recover`` before editing; those kills land inside ``recover()``. After such a
kill the main file must still exist, and opening or recovering gives the last acknowledged
state. A build that drops saves, writes the history before the main file or moves the
broken file away before writing the good one fails this test.
"""

from __future__ import annotations

import os
import random
import select
import signal
import struct
import time
from pathlib import Path

import pytest

from cjmlib.errors import WorkbookError
from cjmlib.model import JourneyProject, Persona, Touchpoint
from cjmlib.workbook import Workbook

TOUCHPOINTS = 60
KILLS = 200
RECOVER_EVERY = 5
ACK = struct.Struct("<q")  # one acknowledged edit number (-1: recover() has returned)
RECOVER_STARTS = -2


def base_project() -> JourneyProject:
    phases = ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"]
    return JourneyProject(
        name="Großes Projekt",
        personas=[
            Persona(id=f"per-{i}", name=f"Persona {i}", quote="„Schnell und günstig“")
            for i in range(5)
        ],
        touchpoints=[
            Touchpoint(
                id=f"tp-{i:03d}",
                name=f"Touchpoint {i} – Öffnungszeiten",
                phase=phases[i % 5],
                channel="Website",
                relevance=1 + i % 5,
                emotion=i % 5 - 2,
                persona_ids=[f"per-{i % 5}"],
                notes="Wartezeit an der Kasse, Rückfragen per E-Mail",
            )
            for i in range(TOUCHPOINTS)
        ],
    )


def expected_after(edit: int) -> JourneyProject:
    """The project after edits 0..``edit`` (``edit == -1``: before the first edit)."""
    project = base_project()
    project.description = "" if edit < 0 else f"Änderung {edit}"
    for j in range(max(edit - TOUCHPOINTS + 1, 0), edit + 1):
        project.touchpoints[j % TOUCHPOINTS].notes = f"Notiz {j} – ÄÖÜ „{j}“"
    return project


def edit_number(project: JourneyProject) -> int:
    return int(project.description.split()[-1]) if project.description else -1


def child(path: str, ack_fd: int, recover_first: bool) -> None:
    """The forked child: (recover, then) continue the numbered edits, acknowledging each."""
    if recover_first:
        os.write(ack_fd, ACK.pack(RECOVER_STARTS))
        Workbook.recover(path)
        os.write(ack_fd, ACK.pack(-1))
    wb = Workbook.open(path)
    edit = edit_number(wb.project) + 1
    while True:
        with wb.batch():
            wb.set_project_info(description=f"Änderung {edit}")
            wb.touchpoints.update(
                f"tp-{edit % TOUCHPOINTS:03d}", notes=f"Notiz {edit} – ÄÖÜ „{edit}“"
            )
        os.write(ack_fd, ACK.pack(edit))  # the save has returned: acknowledged
        edit += 1


def start_child(path: Path, recover_first: bool) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_fd)
            child(str(path), write_fd, recover_first)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def read_acks(fd: int, *, until: int | None = None, timeout: float = 30.0) -> list[int]:
    """Read acknowledgements; with ``until``, stop as soon as that many have arrived."""
    acks: list[int] = []
    buffer = b""
    end = time.monotonic() + timeout
    while until is None or len(acks) < until:
        wait = max(0.0, end - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait if until is not None else 0.0)
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer += chunk
        whole = len(buffer) - len(buffer) % ACK.size
        acks += [v for (v,) in ACK.iter_unpack(buffer[:whole])]
        buffer = buffer[whole:]
    return acks


def wait_for_temp_file(folder: Path, name: str, timeout: float = 2.0) -> None:
    """Return as soon as a temporary file of a save of ``name`` shows up in ``folder``."""
    prefix = f".{name}."
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(e.startswith(prefix) and e.endswith(".tmp") for e in os.listdir(folder)):
            return
        time.sleep(0.0002)


def check_history(wb: Workbook) -> None:
    """Unique revisions, none newer than the main file, the newest version one edit's state."""
    history = wb.history()
    numbers = [v.revision for v in history]
    assert numbers == sorted(set(numbers)), f"revision numbers repeat: {numbers}"
    assert numbers and numbers[-1] <= wb.revision, (numbers[-1:], wb.revision)
    kept = wb.version(numbers[-1])  # the newest one is the one a kill can touch
    assert kept == expected_after(edit_number(kept))


@pytest.mark.slow
def test_kills_during_saves_and_recovery_lose_no_acknowledged_edit(tmp_path):
    path = tmp_path / "gross.cjm.json"
    Workbook.open(path, template=base_project())
    rng = random.Random(20260322)
    acked = -1  # the highest edit any child acknowledged
    kills = recover_kills = mid_write = lost = 0
    started = time.monotonic()
    for round_no in range(KILLS):
        recover_first = round_no % RECOVER_EVERY == RECOVER_EVERY - 1
        broken = b""
        if recover_first:
            broken = path.read_bytes()[: rng.randrange(1, 200)]
            path.write_bytes(broken)
        pid, fd = start_child(path, recover_first)
        acks: list[int] = []
        if recover_first:
            acks += read_acks(fd, until=1)  # recover() is about to start
            assert acks == [RECOVER_STARTS]
            # recover() reads the versions, copies the broken file and saves (~30-80 ms here):
            # a kill anywhere in it, or just after it
            time.sleep(rng.uniform(0, 0.08))
            recover_kills += 1
        elif rng.random() < 0.5:
            acks += read_acks(fd, until=rng.randrange(0, 4))
            time.sleep(rng.uniform(0, 0.01))
        else:
            wait_for_temp_file(tmp_path, path.name)  # right inside a write of the main file
            time.sleep(rng.uniform(0, 0.002))
            mid_write += 1
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the child died before it was killed"
        kills += 1
        acks += read_acks(fd)
        os.close(fd)
        edits = [a for a in acks if a >= 0]
        if edits:
            assert edits == list(range(edits[0], edits[-1] + 1)), edits
            acked = max(acked, edits[-1])

        # The main file is never missing, and opening never creates an empty project.
        assert path.exists(), f"round {round_no}: no main file"
        try:
            wb = Workbook.open(path)
        except WorkbookError as exc:
            # only possible when the kill hit recover() before it replaced the broken file
            assert recover_first and path.read_bytes() == broken, exc
            wb = Workbook.recover(path)
        project = wb.project
        edit = edit_number(project)
        assert project == expected_after(edit)
        if edit < acked:
            lost += acked - edit
        assert edit >= acked, f"round {round_no}: edit {acked} was acknowledged, file has {edit}"
        check_history(wb)

    elapsed = time.monotonic() - started
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    print(
        f"\n{kills} kills ({recover_kills} inside recover(), {mid_write} aimed at a write), "
        f"{acked + 1} edits acknowledged, acknowledged edits lost: {lost}, "
        f"{len(leftovers)} temporary files left before the next open, {elapsed:.1f} s"
    )
    assert lost == 0
    assert kills >= 200 and recover_kills >= 40
    assert acked >= KILLS // 2  # the children really saved
    # Workbook.open (under the lock) removes what killed saves left behind.
    Workbook.open(path)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    kept = list(tmp_path.glob(f"{path.name}.defekt-*"))
    assert 1 <= len(kept) <= KILLS // RECOVER_EVERY  # one copy per broken state at most


def test_expected_states_follow_the_edits():
    assert expected_after(-1) == base_project()
    state = expected_after(TOUCHPOINTS + 4)
    assert state.touchpoints[4].notes.startswith(f"Notiz {TOUCHPOINTS + 4} ")
    assert state.touchpoints[5].notes.startswith("Notiz 5 ")
