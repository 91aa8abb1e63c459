"""A process killed in the middle of saving never leaves a broken workbook behind.

A child process edits a 300-touchpoint workbook in a tight loop (each save writes ~100 kB
and takes a few milliseconds); the test kills it with SIGKILL at random moments, many
times. After every kill the workbook must open and hold exactly the state after one of
the edits: never a half-written file, never a temporary file taken for the workbook.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

from cjmlib.messages import set_language
from cjmlib.model import JourneyProject, Persona, Touchpoint
from cjmlib.workbook import Workbook

TOUCHPOINTS = 300
KILLS = 40


@pytest.fixture(autouse=True)
def german():
    set_language("de")
    yield
    set_language("de")


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


def edit_forever(path: str) -> None:
    """Child process: continue the numbered edits where the file stands, until killed."""
    wb = Workbook.open(path)
    edit = edit_number(wb.project) + 1
    while True:
        with wb.batch():
            wb.set_project_info(description=f"Änderung {edit}")
            wb.touchpoints.update(
                f"tp-{edit % TOUCHPOINTS:03d}", notes=f"Notiz {edit} – ÄÖÜ „{edit}“"
            )
        edit += 1


def temp_files(folder: Path) -> list[Path]:
    return list(folder.rglob("*.tmp"))


def stamp_of(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns)


def wait_for_save(path: Path, start: tuple[int, int], timeout: float = 30.0) -> bool:
    """Wait until the workbook file was replaced by a save; tell whether that happened."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if stamp_of(path) != start:
            return True
        time.sleep(0.001)
    return False


def wait_for_write(folder: Path, name: str, timeout: float = 5.0) -> None:
    """Return as soon as a temporary file of a save of ``name`` shows up in ``folder``."""
    known = {e for e in os.listdir(folder) if e.endswith(".tmp")}
    prefix = f".{name}."
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(
            e.startswith(prefix) and e.endswith(".tmp") and e not in known
            for e in os.listdir(folder)
        ):
            return
        time.sleep(0.0002)  # a save's write and fsync take milliseconds


def test_expected_states_follow_the_edits():
    assert expected_after(-1) == base_project()
    state = expected_after(TOUCHPOINTS + 4)
    assert state.touchpoints[4].notes.startswith(f"Notiz {TOUCHPOINTS + 4} ")
    assert state.touchpoints[5].notes.startswith("Notiz 5 ")


def test_kill_during_saves_never_breaks_the_workbook(tmp_path):
    path = tmp_path / "gross.cjm.json"
    Workbook.open(path, template=base_project())
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(20260322)
    seen: list[int] = []
    killed_mid_write = random_kills = 0
    for _ in range(KILLS):
        before = set(temp_files(tmp_path))
        start = stamp_of(path)
        child = ctx.Process(target=edit_forever, args=(str(path),), daemon=True)
        child.start()
        if rng.random() < 0.5:
            # any moment (validating, writing, renaming) once the child saved at least once
            saved = wait_for_save(path, start)
            time.sleep(rng.uniform(0, 0.1))
            random_kills += saved
        else:
            wait_for_write(tmp_path, path.name)  # right inside a write of the main file
            time.sleep(rng.uniform(0, 0.003))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        killed_mid_write += bool(set(temp_files(tmp_path)) - before)

        wb = Workbook.open(path)  # never raises: the file is whole
        project = wb.project
        edit = edit_number(project)
        assert project == expected_after(edit)
        assert not seen or edit >= seen[-1]  # an edit once saved is never lost
        seen.append(edit)

    assert seen[-1] + 1 >= random_kills  # each of those children saved at least once
    assert len(set(seen)) >= 5
    leftovers = temp_files(tmp_path)
    print(
        f"{KILLS} kills, {seen[-1] + 1} edits saved, {killed_mid_write} kills left a "
        f"temporary file ({len(leftovers)} left over)"
    )
    assert killed_mid_write > 0  # some kills really did hit a save in the middle
    # Workbook.open (under the lock) removes what killed saves left behind.
    assert leftovers == []
    # Leftover temporary files are never read as the workbook or as a version of it.
    wb = Workbook.open(path)
    assert wb.project == expected_after(seen[-1])
    for version in wb.history():
        assert not version.path.name.endswith(".tmp")
        kept = wb.version(version.revision)
        assert kept == expected_after(edit_number(kept))
    # and the workbook goes on working normally
    wb.touchpoints.update("tp-000", relevance=5)
    assert Workbook.open(path).touchpoints["tp-000"].relevance == 5
