"""Two editions from one source: does the graded one reveal nothing, and the self-study one help?

- The package a student's kernel imports (the wheel ``pip install .`` builds) holds no
  solution code, no judge and no exercise file of any exercise.
- What ``nbgrader generate_assignment`` releases has no ``solution()``, no reference code,
  no judge and no hidden test, and no ``judges.py`` beside the notebook.
- The self-study edition (``exercises/``) still offers ``check()`` with a verdict and
  ``solution()``; ``solutions/`` passes all of its checks when run top to bottom, and
  neither shows an internal id (``tp-…``, ``seg-…``, a phase id) where a name belongs.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from _pool import two_at_a_time
from nbclient import NotebookClient
from test_novice_paths import NOVICES

from cjmlib.grading import classroom
from cjmlib.grading.exercise import JUDGES_FILE, TASKS_FILE, load_exercise, reference_solutions
from cjmlib.messages import t

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "course" / "source"
NAMES = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())
#: The capstone grades a whole workbook, one test per completeness check (its own tests
#: below); the other exercises share the three-task shape the tests here expect.
CAPSTONE = "13_abschlussprojekt"
TASK_EXERCISES = [n for n in NAMES if n != CAPSTONE]
OFFLINE = ("--no-deps", "--no-build-isolation", "--no-index")


def _squash(text: str) -> str:
    """Text without whitespace, quotes and ``\\n`` escapes: code survives being put in a string."""
    return re.sub(r"\\n|\s|['\"]", "", text)


def _telling(line: str) -> bool:
    """A line of an answer or judge that would give something away (not an import or a bracket)."""
    line = line.strip()
    return (
        len(_squash(line)) >= 24
        and not line.startswith(("from ", "import ", "#", '"""', "def ", "Data =", "return ", "."))
        and not line.endswith('"""')
    )


def _sample_workbooks(data: dict) -> str:
    """The sample workbooks an exercise's ``data.json`` names, as JSON text."""
    from cjmlib import datasets

    texts = []
    for spec in (data.get("beispieldaten") or {}).values():
        if spec.get("datensatz") == "workbook":
            project = datasets.load(spec.get("branche", datasets.RUNNING_CASE), "workbook")
            texts.append(project.model_dump_json())
    return "".join(texts)


def secrets(name: str) -> list[str]:
    """Lines that only someone who knows the answers of exercise ``name`` could write.

    A line that a hint gives away on purpose (hints are part of the graded edition) is
    not a secret, nor is a line the starter template shows (``segment = wb.segments.add(``).
    """
    nb = nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)
    starters = _squash(
        " ".join(c.source.split("### BEGIN SOLUTION")[0] for c in nb.cells if c.cell_type == "code")
    )
    # the exercise's data are released on purpose: a line made of data values is no secret,
    # nor are the names of a sample workbook the exercise shows (touchpoints by name)
    raw = (SOURCE / name / "data.json").read_text(encoding="utf-8")
    data = _squash(raw) + _squash(_sample_workbooks(json.loads(raw)))
    lines = []
    for code in reference_solutions(SOURCE / name / f"{name}.ipynb").values():
        lines += [x for x in code.splitlines() if _telling(x)]
    judges = (SOURCE / name / JUDGES_FILE).read_text(encoding="utf-8")
    lines += [x for x in judges.splitlines() if _telling(x)]
    hints = _squash(
        " ".join(h for task in load_exercise(SOURCE / name).tasks.values() for h in task.hints)
    )
    given = (hints, starters, data)
    return [x for x in lines if not any(_squash(x) in text for text in given)]


def leaks(texts: dict[str, str], names: list[str] = NAMES) -> list[str]:
    """``file: line`` for every secret line of the exercises ``names`` found in ``texts``."""
    squashed = {path: _squash(text) for path, text in texts.items()}
    found = []
    for name in names:
        for line in secrets(name):
            found += [
                f"{p}: {line.strip()}" for p, text in squashed.items() if _squash(line) in text
            ]
    return found


def _wheel_texts(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as whl:
        return {
            n: whl.read(n).decode("utf-8", errors="replace")
            for n in whl.namelist()
            if n.endswith((".py", ".toml", ".json", ".txt", ".md", ".csv"))
        }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout, built offline from a clean copy (the repo stays untouched)."""
    src = tmp_path_factory.mktemp("quelle")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "cjmlib", src / "cjmlib", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "-w", str(out), "-q", *OFFLINE],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (found,) = out.glob("*.whl")
    return found


def test_does_the_wheel_hold_no_solution_and_no_judge_of_any_exercise(wheel):
    texts = _wheel_texts(wheel)
    names = set(texts)
    assert "cjmlib/grading/answers.py" in names and "cjmlib/grading/verdicts.py" in names
    exercise_files = [n for n in names if Path(n).name in (JUDGES_FILE, TASKS_FILE, "data.json")]
    assert exercise_files == []
    assert leaks(texts) == []
    for path, text in texts.items():
        if path.endswith(".py"):
            tree = ast.parse(text)
            assert "JUDGES" not in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}, path
    print(
        f"{wheel.name}: {len(names)} Textdateien, {sum(len(secrets(n)) for n in NAMES)} "
        f"Geheimzeilen aus {len(NAMES)} Übungen geprüft, 0 gefunden"
    )


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """All assignments as ``nbgrader generate_assignment`` releases them with the course config."""
    return classroom.make_course(tmp_path_factory.mktemp("kurs") / "course")


@pytest.mark.parametrize("name", TASK_EXERCISES)
def test_does_the_graded_release_show_no_solution_and_no_expected_value(released, name):
    folder = released / "release" / name
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["data.json", f"{name}.ipynb", TASKS_FILE]
    )
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "solution()" not in text and "selbststudium" not in str(nb.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    tests = [
        c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_tests")
    ]
    # 3 to 6 automatically graded tasks, as tests/test_grading_assignments.py asks
    assert 3 <= len(tests) <= 6 and all(s.splitlines()[1].endswith(".test()") for s in tests)
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    assert leaks(files, [name]) == []


def test_does_the_released_notebook_say_only_visible_tests_passed_and_offer_no_solution(released):
    """The graded release as a student runs it in JupyterLab: right and wrong look the same."""
    name = "03_beduerfnisse"
    release = classroom.release_notebook(released, name)
    reference = classroom.reference_answers(released, name)
    wrong = 'unterversorgt = ["Bequem bezahlen"]  # the right form, the wrong names'
    nb = classroom.with_answers(release, {**reference, "a2_loesung": wrong})
    nb.cells.append(nbformat.v4.new_code_cell("pruefe.a1.solution()"))
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    with tempfile.TemporaryDirectory(prefix="cjm-bewertet-") as tmp:
        folder = Path(tmp) / name
        shutil.copytree(released / "release" / name, folder)
        env["TMPDIR"] = tmp
        client = NotebookClient(
            nb, timeout=180, allow_errors=True, resources={"metadata": {"path": str(folder)}}
        )
        client.execute(env=env)
    checks = [c for c in nb.cells if c.source.startswith(("# Sofort-Check", "# Tests zu"))]
    assert len(checks) == 6
    for cell in checks:
        text = _outputs(cell)
        assert t("grading.check.visible_passed") in text, text
        assert t("grading.check.correct") not in text
    (last,) = nb.cells[-1].outputs
    assert last.ename == "AttributeError"
    assert last.evalue == t("grading.editions.no_solution_graded")


def test_does_the_self_study_edition_still_offer_solution(capsys, monkeypatch):
    monkeypatch.chdir(REPO / "exercises")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = nbformat.read(REPO / "exercises" / "03_beduerfnisse.ipynb", as_version=4)
    tagged = [c.source for c in nb.cells if "selbststudium" in c.metadata.get("tags", [])]
    assert tagged and "pruefe.a1.solution()" in tagged[0]
    assert not [c for c in nb.cells if "bewertet" in c.metadata.get("tags", [])]
    ns: dict = {}
    exec(next(c.source for c in nb.cells if c.source.startswith("# Vorbereitung")), ns)
    ns["pruefe"].a2.solution()
    assert 'unterversorgt = [\n    "Verfügbarkeit vorab sehen",' in capsys.readouterr().out
    ns["unterversorgt"] = ["Bequem bezahlen"]
    assert ns["pruefe"].a2.verdict().kind == "incorrect"  # self-study knows right from wrong


def _run(path: Path) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` in its folder, as a self-learner's JupyterLab would."""
    nb = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    with tempfile.TemporaryDirectory(prefix="cjm-selbst-") as tmp:
        env["TMPDIR"] = tmp
        client = NotebookClient(
            nb, timeout=180, allow_errors=True, resources={"metadata": {"path": str(path.parent)}}
        )
        client.execute(env=env)
    return nb


#: exercises/ notebooks that tests/test_novice_paths.py runs untouched (Run All, the same
#: checks as below) before its novice goes on: not run a second time here.
RUN_BY_NOVICES = {*NOVICES, CAPSTONE}


@pytest.fixture(scope="module")
def self_study() -> dict[str, nbformat.NotebookNode]:
    """Every notebook of solutions/ and the rest of exercises/, executed two at a time
    (one per core)."""
    paths = [
        REPO / folder / f"{n}.ipynb"
        for n in NAMES
        for folder in ("solutions", "exercises")
        if folder == "solutions" or n not in RUN_BY_NOVICES
    ]
    done = two_at_a_time(_run, paths)
    return {f"{p.parent.name}/{p.stem}": nb for p, nb in done.items()}


def _outputs(cell: nbformat.NotebookNode) -> str:
    return "\n".join(
        str(o.get("text", ""))
        + str(o.get("data", {}).get("text/markdown", ""))
        + str(o.get("evalue", ""))
        for o in cell.get("outputs", [])
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", TASK_EXERCISES)
def test_do_the_self_study_notebooks_run_and_judge(name, self_study):
    """solutions/ passes every check and test; exercises/ reads as not attempted."""
    solved = self_study[f"solutions/{name}"]
    errors = [o for c in solved.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    checks = [c for c in solved.cells if c.source.startswith(("# Sofort-Check", "# Tests zu"))]
    # a check cell and a test cell per task (3 to 6 tasks, see test_grading_assignments.py)
    assert len(checks) == 2 * len(load_exercise(SOURCE / name, judges=False).tasks)
    assert all(t("grading.check.correct") in _outputs(c) for c in checks)
    if name in RUN_BY_NOVICES:
        return  # exercises/ checked in tests/test_novice_paths.py
    for cell in self_study[f"exercises/{name}"].cells:
        if cell.source.startswith("# Sofort-Check"):
            assert t("grading.check.not_attempted") in _outputs(cell)
        elif cell.source.startswith("# Tests zu"):  # Run All goes on past untouched tasks
            assert [o for o in cell.outputs if o.output_type == "error"] == []
            assert "noch nicht ausgefüllt" in _outputs(cell)


def shown_ids(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(cell id, id) for every internal id a trainee would read in the outputs of ``nb``:
    in tables (a cell that is an id, or an id inside one), printed text and messages."""
    from test_chapters import ID_PATTERN, cells_of, internal_ids

    ids, found = internal_ids(), []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts = [str(out.get("text", "")), str(out.get("evalue", ""))]
            texts += [str(data.get(kind, "")) for kind in ("text/plain", "text/markdown")]
            page = re.sub(r"<style.*?</style>", "", str(data.get("text/html", "")), flags=re.S)
            if "<table" in page:
                headers, cells = cells_of(page)
                found += [(cell.id, c) for c in headers + cells if c in ids]
                texts += headers + cells
            found += [(cell.id, m.group(0)) for x in texts for m in ID_PATTERN.finditer(x)]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_do_the_self_study_notebooks_show_names_instead_of_internal_ids(name, self_study):
    # exercises/ of the novice-path exercises run only there; their test checks the same.
    for folder in ("exercises", "solutions"):
        if folder == "solutions" or name not in RUN_BY_NOVICES:
            assert shown_ids(self_study[f"{folder}/{name}"]) == [], folder


@pytest.mark.slow
def test_does_exercise_12_show_the_tables_its_tasks_3_and_4_are_about(self_study):
    """The result cells show their tables (not only the last expression of an ``if``)."""
    cells = self_study["solutions/12_iterationen"].cells
    for start, tables in (("# Das Ergebnis vom Januar", 1), ("# Reihenfolge für das Review", 2)):
        cell = next(c for c in cells if c.source.startswith(start))
        shown = [o for o in cell.outputs if "text/html" in o.get("data", {})]
        assert len(shown) == tables, (start, [o.output_type for o in cell.outputs])
        assert all("Aussage" in o.data["text/html"] for o in shown)


def test_does_the_capstone_release_hide_the_reference_and_test_every_part(released):
    from cjmlib.grading.capstone import PARTS

    folder = released / "release" / CAPSTONE
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["data.json", f"{CAPSTONE}.ipynb", TASKS_FILE]
    )
    nb = nbformat.read(folder / f"{CAPSTONE}.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "open_workbook" not in text
    assert "selbststudium" not in str(nb.cells) and "Copy" in text
    tests = [
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_tests")
    ]
    assert tests == [f"{key}_tests" for key in PARTS]
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    assert leaks(files, [CAPSTONE]) == []


@pytest.mark.slow
def test_does_the_capstone_self_study_edition_run_and_judge(self_study):
    """solutions/ passes all twelve parts. exercises/ (no workbook yet) is run untouched in
    tests/test_novice_paths.py: each test says the workbook is not bound, Run All goes on."""
    solved = self_study[f"solutions/{CAPSTONE}"]
    errors = [o for c in solved.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    tests = [c for c in solved.cells if c.source.startswith("# Test:")]
    assert len(tests) == 12
    assert all(t("grading.check.correct") in _outputs(c) for c in tests)
    summary = next(c for c in solved.cells if c.source.startswith("# Was fehlt noch?"))
    assert t("capstone.check.all_done") in _outputs(summary)
