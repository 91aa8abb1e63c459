"""The Python primer before chapter 1: does a trainee with no Python get through it?

The primer (``chapters/00b_Python_Grundlagen.ipynb``) teaches the Python the exercises
use, with instant checks from its folder ``chapters/grundlagen/`` (tasks and judges, as
an exercise folder has them) and a knowledge check from the catalogue. These tests
execute the real notebook three times, as a novice would meet it: untouched (every
check says "not attempted", the one deliberate error shows the German message), with
the typical wrong answers (each check says what is off), and corrected (all right).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_chapters import (
    needs_hunspell,
    other_industries_shown,
    prose,
    table_problems,
    unknown_words,
    untouched_workbook,
    wordlist,
)

from cjmlib import content

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
PRIMER = CHAPTERS / "00b_Python_Grundlagen.ipynb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

_spec = importlib.util.spec_from_file_location("cjm_nb_tools", ROOT / "tools" / "notebooks.py")
notebook_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_tools)
_spec = importlib.util.spec_from_file_location("chapter_times", ROOT / "tools" / "chapter_times.py")
chapter_times = sys.modules.get("chapter_times") or importlib.util.module_from_spec(_spec)
sys.modules["chapter_times"] = chapter_times  # dataclasses look their module up there
_spec.loader.exec_module(chapter_times)
_spec = importlib.util.spec_from_file_location("seed_fp", ROOT / "tools" / "seed_fingerprints.py")
seed_fp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_fp)

CHECKS = [f"py-a{n}" for n in range(1, 7)]
#: The typical novice mistakes, one per task (cell id -> code).
WRONG = {
    "py-a1": 'kanal = "Online-Shop"\nrelevanz = "4"\nemotion = -0.5',
    "py-a2": 'phasen = ["Bewusstsein", "Überlegung", "Kauf", "Entscheidung", "Nachkauf"]',
    "py-a3": 'steckbrief = {"name": "Lena Hofmann", "alter": 36}',
    "py-a4": 'persona = {"name": "Lena Hofmann", "age": 36}',
    "py-a5": "grossstadt = 4.047",
    "py-a6": 'richtiges_feld = "alter"',
}
#: What the check under each wrong answer must say.
WRONG_SAYS = {
    "py-a1": "Zahlen schreibst du ohne Anführungszeichen",
    "py-a2": "die Reihenfolge nicht",
    "py-a3": "fehlen die Schlüssel: kanaele",
    "py-a4": "soll eine Persona sein",
    "py-a5": "`grossstadt` soll eine ganze Zahl sein",
    "py-a6": "noch nicht der Feldname",
}
RIGHT = {
    "py-a1": 'kanal = "Online-Shop"\nrelevanz = 4\nemotion = -0.5',
    "py-a2": ('phasen = ["Bewusstsein", "Überlegung", "Entscheidung", "Kauf", "Nachkauf"]'),
    "py-a3": (
        'steckbrief = {"name": "Lena Hofmann", "alter": 36,\n'
        '              "kanaele": ["Online-Shop", "Filiale", "E-Mail"]}'
    ),
    "py-a4": (
        'persona = Persona(\n    name="Lena Hofmann",\n    age=36,\n'
        '    channels=["Online-Shop", "Filiale", "E-Mail"],\n)'
    ),
    "py-a5": "grossstadt = 4047",
    "py-a6": 'richtiges_feld = "age"',
    # The trainee may correct the deliberate error too; the primer runs on either way.
    "py-fehler-beispiel": 'Persona(name="Paul Winter", age=42)',
}


def run_primer(tmp_path: Path, answers: dict[str, str]) -> tuple[nbformat.NotebookNode, Path]:
    folder = tmp_path / "chapters"
    shutil.copytree(CHAPTERS, folder, ignore=shutil.ignore_patterns("arbeitsbuch", ".ipynb*"))
    workbook = tmp_path / "arbeitsbuch" / "mein_projekt.cjm.json"
    nb = nbformat.read(str(folder / PRIMER.name), as_version=4)
    for cell in nb.cells:
        answer = answers.get(cell.get("id"))
        if answer is not None and cell.id in CHECKS:
            # The trainee replaces the line(s) with ____ and keeps the check at the end.
            answer += f"\npruefe.{cell.id.removeprefix('py-')}.check()"
        cell.source = answer if answer is not None else cell.source
    env = {**os.environ, "CJM_WORKBOOK": str(workbook)}
    old = os.environ.copy()
    os.environ.update(env)
    try:
        # allow_errors=False: only a cell tagged raises-exception may fail, as in JupyterLab.
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb, workbook


def cell(nb: nbformat.NotebookNode, cell_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.get("id") == cell_id)


def said(nb: nbformat.NotebookNode, cell_id: str) -> str:
    """Everything a cell shows: Markdown, text and the German error message."""
    parts = []
    for out in cell(nb, cell_id).outputs:
        if out.output_type == "error":
            parts.append(ANSI.sub("", "\n".join(out.traceback)))
        elif out.output_type == "stream":
            parts.append(out.text)
        else:
            data = out.get("data", {})
            parts.append(data.get("text/markdown") or data.get("text/plain", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def untouched(tmp_path_factory):
    return run_primer(tmp_path_factory.mktemp("unberuehrt"), {})


def test_untouched_primer_runs_and_every_check_says_not_attempted(untouched):
    """Run All on the untouched primer: no failure, six "not attempted", nothing saved."""
    nb, workbook = untouched
    for check in CHECKS:
        assert "Noch nicht bearbeitet" in said(nb, check), check
    errors = [c.id for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == ["py-fehler-beispiel"]
    assert untouched_workbook(workbook) == []
    assert table_problems_outside_raw(nb) == []
    assert other_industries_shown(nb) == []


def table_problems_outside_raw(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """The German-table rule, except the one raw DataFrame the primer shows on purpose."""
    shown = nbformat.from_dict(json.loads(json.dumps(nb)))
    shown.cells = [c for c in shown.cells if c.get("id") != "py-tabellen-roh"]
    return table_problems(shown)


def test_the_deliberate_error_reads_german_first(untouched):
    """Does the error section show the German message, the valid field and the trainee's line?"""
    nb, _ = untouched
    text = said(nb, "py-fehler-beispiel")
    assert text.startswith("⚠️ Das hat nicht geklappt")
    assert "Ein Feld `alter` gibt es nicht" in text and "age" in text
    assert 'Persona(name="Paul Winter", alter=42)' in text
    assert "cjmlib/" not in text and "Traceback" not in text
    assert "raises-exception" in cell(nb, "py-fehler-beispiel").metadata.get("tags", [])


def test_the_setup_explains_what_to_do_after_a_reload(untouched):
    nb, _ = untouched
    assert "Error displaying widget: model not found" in said(nb, "py-setup")


@pytest.mark.slow
def test_novice_path_wrong_then_right(tmp_path):
    """Typical wrong answers get a specific German hint; the corrected answers all pass."""
    nb, _ = run_primer(tmp_path / "falsch", WRONG)
    for check, expected in WRONG_SAYS.items():
        text = said(nb, check)
        assert "Noch nicht richtig" in text and expected in text, (check, text)
    nb, workbook = run_primer(tmp_path / "richtig", RIGHT)
    for check in CHECKS:
        assert "✅ Richtig!" in said(nb, check), (check, said(nb, check))
    assert [c.id for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"] == []
    assert untouched_workbook(workbook) == []


def test_a_comma_instead_of_a_point_is_explained():
    """``emotion = -0,5`` makes a tuple in Python; the check says so in words."""
    sys.path.insert(0, str(CHAPTERS / "grundlagen"))
    try:
        from cjmlib.grading.exercise import judge, load_exercise

        exercise = load_exercise(CHAPTERS / "grundlagen")
        verdict = judge(exercise, "a1", {"kanal": "Filiale", "relevanz": 4, "emotion": (-0, 5)})
    finally:
        sys.path.remove(str(CHAPTERS / "grundlagen"))
    assert verdict.kind == "incorrect"
    assert "`-0.5` statt `-0,5`" in verdict.message


def test_primer_is_clean_and_linked_from_the_start_page():
    """Committed clean, no def/class; the start page names the prerequisite and links it."""
    assert notebook_tools.check_notebook(PRIMER, no_defs=True) == []
    start = nbformat.read(str(CHAPTERS / "00_Start.ipynb"), as_version=4)
    text = "\n".join(c.source for c in start.cells if c.cell_type == "markdown")
    assert f"]({PRIMER.name})" in text
    assert "Voraussetzung" in text
    last = nbformat.read(str(PRIMER), as_version=4).cells[-1].source
    assert "](00_Start.ipynb)" in last and "](01_Zielgruppe.ipynb)" in last


def test_primer_takes_at_most_30_minutes_as_stated():
    """Measured like the chapters (tools/chapter_times.py) and stated in its head."""
    measured = chapter_times.measure(PRIMER)
    assert measured.total <= 30, measured
    first = nbformat.read(str(PRIMER), as_version=4).cells[0].source
    assert f"**Zeitbedarf:** etwa {measured.total} Minuten" in first


def test_primer_knowledge_check_is_fair_and_new():
    """Five or more explained items, right answers not all in one place, no seed sentences."""
    items = content.quiz("grundlagen")
    assert 5 <= len(items) <= 8
    assert all(q.explanation and len(q.correct) == 1 for q in items)
    positions = [next(iter(q.correct)) for q in items]
    assert max(positions.count(p) for p in set(positions)) <= len(items) / 2
    assert sum(q.applied for q in items) / len(items) >= 0.4
    seeds = {
        line.strip()
        for line in (ROOT / "tests" / "data" / "seed_shingles.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    texts = [" ".join([q.case, q.text, *q.choices, q.explanation]) for q in items]
    texts += [c.source for c in nbformat.read(str(PRIMER), as_version=4).cells]
    assert [t for t in texts if seed_fp.shingles(t) & seeds] == []


@needs_hunspell
def test_primer_german_spelling():
    nb = nbformat.read(str(PRIMER), as_version=4)
    text = "\n".join(prose(c.source) for c in nb.cells if c.cell_type == "markdown")
    assert sorted(unknown_words(text, set(wordlist()))) == []


def right_answers(industry: str) -> dict[str, dict]:
    """The right answers of the six tasks, read from ``industry``'s sample data."""
    from cjmlib import datasets
    from cjmlib.model import Persona

    project = datasets.load(industry, "workbook")
    first = project.personas[0]
    customers = datasets.load(industry, "customers")
    return {
        "a1": {"kanal": first.channels[0], "relevanz": 4, "emotion": -0.5},
        "a2": {"phasen": [p.name for p in project.phase_model.phases]},
        "a3": {"steckbrief": {"name": first.name, "alter": first.age, "kanaele": first.channels}},
        "a4": {"persona": Persona(name=first.name, age=first.age, channels=first.channels)},
        "a5": {"grossstadt": int((customers["city_size"] == "Großstadt").sum())},
        "a6": {"richtiges_feld": "age"},
    }


def test_the_judges_follow_the_picked_industry(monkeypatch):
    """Each industry's own values are right; the running case's are wrong in another track."""
    from cjmlib import datasets
    from cjmlib.grading.exercise import judge, load_exercise

    sys.path.insert(0, str(CHAPTERS / "grundlagen"))
    try:
        exercise = load_exercise(CHAPTERS / "grundlagen")
        retail = right_answers(datasets.RUNNING_CASE)
        for industry in datasets.industries():
            monkeypatch.setenv("CJM_BRANCHE", industry)
            for task, answers in right_answers(industry).items():
                verdict = judge(exercise, task, answers)
                assert verdict.kind == "correct", (industry, task, verdict.message)
            if industry != datasets.RUNNING_CASE:
                wrong = [
                    t
                    for t in ("a1", "a2", "a3", "a4", "a5")
                    if judge(exercise, t, retail[t]).kind == "correct"
                ]
                assert wrong == [], (industry, wrong)
    finally:
        sys.path.remove(str(CHAPTERS / "grundlagen"))


def test_the_primers_example_text_fits_its_data():
    """The setup cell's case text names the first persona and the phases the judges expect."""
    from cjmlib import datasets
    from cjmlib.datasets.industry_data import chapter_texts

    for industry in datasets.industries():
        project = datasets.load(industry, "workbook")
        first = project.personas[0]
        text = chapter_texts(industry).text("00b.beispiel") or ""
        assert f"**{first.name}**, {first.age} Jahre" in text, industry
        assert ", ".join(first.channels) + "." in text, industry
        assert ": " + ", ".join(p.name for p in project.phase_model.phases) + "." in text, industry
