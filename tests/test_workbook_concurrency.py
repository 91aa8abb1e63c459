"""Several kernels editing one workbook at the same time lose no edit."""

from __future__ import annotations

import itertools
import multiprocessing
import random
import time
from pathlib import Path

import pytest

from cjmlib.messages import set_language
from cjmlib.model import JourneyProject, Persona
from cjmlib.workbook import MAX_VERSIONS, Workbook, compare_projects

WORKERS = 3
ROUNDS = 8  # each round: one new touchpoint and one persona update per worker
FIELDS = ("occupation", "location", "buying_habits")
PHASES = ("Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf")


@pytest.fixture(autouse=True)
def german():
    set_language("de")
    yield
    set_language("de")


def worker(path: str, number: int, barrier, results) -> None:
    """One kernel: adds its own touchpoints and updates its own field of the shared persona."""
    wb = Workbook.open(path)
    barrier.wait(timeout=60)
    seen = []
    pause = random.Random(number)
    for i in range(ROUNDS):
        # A kernel does other things between edits; without a pause one process would
        # take the lock again and again before the others' lock polling wakes up.
        time.sleep(pause.uniform(0, 0.02))
        wb.touchpoints.add(
            id=f"tp-{number}-{i}",
            name=f"Kernel {number} – Nr. {i}",
            phase=PHASES[i % len(PHASES)],
            channel="App",
        )
        seen.append(wb.revision)
        wb.personas.update("per-geteilt", **{FIELDS[number]: f"Wert {number}/{i} – ä"})
        seen.append(wb.revision)
    results.put((number, seen))


def test_concurrent_processes_lose_no_edit(tmp_path: Path):
    path = tmp_path / "geteilt.cjm.json"
    Workbook.open(
        path, template=JourneyProject(personas=[Persona(id="per-geteilt", name="Geteilte Persona")])
    )
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(str(path), n, barrier, results)) for n in range(WORKERS)
    ]
    for proc in procs:
        proc.start()
    observed = dict(results.get(timeout=120) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0

    wb = Workbook.open(path)
    saves = WORKERS * ROUNDS * 2
    # nothing is lost: every touchpoint of every kernel, every kernel's last field value
    expected_ids = {f"tp-{n}-{i}" for n in range(WORKERS) for i in range(ROUNDS)}
    assert set(wb.touchpoints.ids()) == expected_ids
    assert len(wb.touchpoints) == WORKERS * ROUNDS
    persona = wb.personas["per-geteilt"]
    for n, field in enumerate(FIELDS):
        assert getattr(persona, field) == f"Wert {n}/{ROUNDS - 1} – ä"
    # every save got its own revision, and each kernel saw them strictly increase
    assert wb.revision == 1 + saves
    for n, revisions in observed.items():
        assert len(revisions) == 2 * ROUNDS, n
        assert all(a < b for a, b in itertools.pairwise(revisions)), revisions
    # each kept version is exactly one edit on top of the one before (no edit overwritten)
    assert 1 + saves <= MAX_VERSIONS
    history = wb.history()
    assert [v.revision for v in history] == list(range(1, saves + 2))
    states = [wb.version(v.revision) for v in history]
    authors = []
    for before, after in itertools.pairwise(states):
        diff = compare_projects(before, after)
        assert len(diff.changes) == 1, diff.changes
        assert {t.id for t in before.touchpoints} <= {t.id for t in after.touchpoints}
        change = diff.changes[0]
        if change.collection == "touchpoints":
            authors.append(change.id.split("-")[1])
    # the kernels really took turns (run one after another there would be WORKERS - 1 switches)
    switches = sum(a != b for a, b in itertools.pairwise(authors))
    assert switches >= WORKERS, authors


def test_two_open_workbooks_in_one_process_see_each_others_edits(tmp_path: Path):
    path = tmp_path / "zwei.cjm.json"
    first = Workbook.open(path)
    second = Workbook.open(path)
    first.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    second.touchpoints.add(name="App", phase="Kauf", channel="App")  # reloads before writing
    assert [t.name for t in first.touchpoints] == ["Kasse", "App"]  # reloads before reading
    first.personas.add(name="Lena")
    second.personas.update("Lena", age=34)
    first.personas.update("Lena", occupation="Ärztin")
    lena = Workbook.open(path).personas["Lena"]
    assert (lena.age, lena.occupation) == (34, "Ärztin")
    assert Workbook.open(path).revision == 6
