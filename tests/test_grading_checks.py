"""Checks of the exercise notebooks, sandbox limits and feedback clean-up, without nbgrader runs.

The self-study checks run here as a trainee's notebook runs them: the setup cell executed
in the exercise's folder, the answers bound with ``uebung(name, globals())``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from cjmlib.grading import ____, uebung
from cjmlib.grading.checks import Incorrect, Placeholder, same_mapping
from cjmlib.grading.exercise import load_exercise, reference_solutions
from cjmlib.grading.feedback import strip_hidden
from cjmlib.messages import t

SOURCE = Path(__file__).resolve().parents[1] / "course" / "source"
# The capstone (13_abschlussprojekt) grades a whole workbook: tests/test_grading_capstone.py.
CAPSTONE = "13_abschlussprojekt"
NAMES = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and p.name != CAPSTONE)


def _setup(name: str) -> str:
    nb = nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)
    return next(
        c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"
    )


@pytest.fixture(autouse=True)
def _not_grading(monkeypatch, tmp_path):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))


def _notebook(name: str, folder: Path, monkeypatch) -> dict:
    """The namespace of exercise ``name`` after its setup cell ran in ``folder``."""
    monkeypatch.chdir(folder)
    ns: dict = {}
    exec(_setup(name), ns)
    return ns


@pytest.mark.parametrize("name", NAMES)
def test_does_every_task_accept_its_reference_solution_and_reject_the_starter(name, monkeypatch):
    ns = _notebook(name, SOURCE / name, monkeypatch)
    solutions = reference_solutions(SOURCE / name / f"{name}.ipynb")
    exercise = load_exercise(SOURCE / name)
    assert set(solutions) - {"reflexion"} == set(exercise.tasks) == set(exercise.judges or {})
    for task in ns["pruefe"]:
        assert task.verdict().kind == "not_attempted"
    for task, code in solutions.items():
        if task == "reflexion":
            continue
        exec(code, ns)
        verdict = getattr(ns["pruefe"], task).verdict()
        assert verdict.kind == "correct", (task, verdict.message)


RIGHT_SCORES = {
    "Verfügbarkeit vorab sehen": 15,
    "Klare Preise": 10,
    "Ware schnell finden": 12,
    "Bequem bezahlen": 7,
    "Abholung ohne Wartezeit": 13,
    "Persönliche Beratung": 11,
    "Kostenlose Rücksendung": 6,
    "Treuepunkte sammeln": 3,
}


def _message(task) -> str:
    verdict = task.verdict()
    assert verdict.kind == "incorrect", (verdict.kind, verdict.message)
    return verdict.message


def test_do_the_visible_checks_of_exercise_3_name_the_common_wrong_answers(monkeypatch):
    """Exercise 3 (needs): each typical slip gets its own German message, not a crash."""
    ns = _notebook("03_beduerfnisse", SOURCE / "03_beduerfnisse", monkeypatch)
    pruefe, table = ns["pruefe"], ns["beduerfnisse"].set_index("need")
    gap = {n: int(r.importance - r.satisfaction) for n, r in table.iterrows()}
    ns["chancen"] = gap
    assert "Das ist nur die Lücke" in _message(pruefe.a1)
    ns["chancen"] = {n: int(r.importance + r.satisfaction) for n, r in table.iterrows()}
    assert "Wichtigkeit und Zufriedenheit addiert" in _message(pruefe.a1)
    ns["chancen"] = {**RIGHT_SCORES, "Treuepunkte sammeln": 0}  # the negative gap kept
    assert "Bei „Treuepunkte sammeln“ ist die Zufriedenheit höher" in _message(pruefe.a1)
    ns["chancen"] = {**RIGHT_SCORES, "Klare Preise": "10"}
    assert "ohne Anführungszeichen" in _message(pruefe.a1)
    ns["chancen"] = {**RIGHT_SCORES, "Ware schnell finden": 11}  # one slip: the judge sees it
    wanted = "In `chancen` stimmt der Wert für „Ware schnell finden“ noch nicht."
    assert _message(pruefe.a1) == wanted
    ns["chancen"] = {k: v for k, v in RIGHT_SCORES.items() if k != "Klare Preise"}
    assert "Es fehlen: ['Klare Preise']" in _message(pruefe.a1)
    ns["chancen"] = dict(RIGHT_SCORES)
    assert pruefe.a1.verdict().kind == "correct"

    underserved = [n for n, v in RIGHT_SCORES.items() if v > 10]
    ns["unterversorgt"] = [*underserved, "Klare Preise"]  # "über 10" read as "ab 10"
    assert "genau 10. Unterversorgt heißt **über** 10" in _message(pruefe.a2)
    ns["unterversorgt"] = [*underserved[:-1], "Verfügbarkeit prüfen"]
    assert "Diese Namen stehen nicht in der Tabelle: ['Verfügbarkeit prüfen']" in _message(
        pruefe.a2
    )
    ns["unterversorgt"] = underserved[:-1]
    assert "`unterversorgt` hat 3 Einträge, erwartet sind 4." in _message(pruefe.a2)
    ns["unterversorgt"] = "Klare Preise"
    assert "soll eine Liste von Namen sein" in _message(pruefe.a2)
    ns["unterversorgt"] = list(reversed(underserved))  # the order does not count
    assert pruefe.a2.verdict().kind == "correct"

    wb, said = ns["wb"], ns["aussagen"]
    update = wb.needs.update
    ns["verfuegbarkeit"] = update(
        "Verfügbarkeit vorab sehen",
        expectation="Die Ware soll da sein",
        exceed=said[4],
        related_products=said[2],
    )
    assert "Im Feld „Erwartung“ (`expectation`) steht keine der Aussagen" in _message(pruefe.a3)
    ns["verfuegbarkeit"] = update(
        "Verfügbarkeit vorab sehen", expectation=said[1], exceed=said[1], related_products=said[2]
    )
    assert "Nimm für jedes Feld eine andere Aussage" in _message(pruefe.a3)
    ns["verfuegbarkeit"] = update(  # expectation and exceeding swapped: the judge says which
        "Verfügbarkeit vorab sehen", expectation=said[4], exceed=said[1], related_products=said[2]
    )
    assert "Bei `verfuegbarkeit` stimmt das Feld `expectation` noch nicht" in _message(pruefe.a3)
    # typed off the table, with other spacing and without the full stop: still the statement
    typed = "wenn der Shop vorrätig anzeigt,  muss die Ware auch im Regal liegen"
    ns["verfuegbarkeit"] = update(
        "Verfügbarkeit vorab sehen", expectation=typed, exceed=said[4], related_products=said[2]
    )
    assert pruefe.a3.verdict().kind == "correct"
    wb.needs.add(need="Verfügbarkeit vorab sehen (Filiale)", importance=9, satisfaction=3)
    assert "Im Arbeitsbuch stehen 9 Bedürfnisse, die Umfrage hat 8" in _message(pruefe.a3)
    ns["verfuegbarkeit"], ns["wb"] = ____, None
    assert pruefe.a3.verdict().kind == "not_attempted"
    ns["verfuegbarkeit"] = ns["wb"] = None  # no workbook: its own message
    verdict = pruefe.a3.verdict()
    assert verdict.kind == "incorrect" and "soll das Bedürfnis sein" in verdict.message


def test_does_check_read_the_bound_namespace_and_stay_silent_while_grading(capsys, monkeypatch):
    ns = _notebook("01_zielgruppe", SOURCE / "01_zielgruppe", monkeypatch)
    anteil_grossstadt = 0.0  # a local of the caller: check() must not look here  # noqa: F841
    ns["anteil_grossstadt"] = 50.0
    ns["pruefe"].a1.check()
    assert t("grading.check.correct") in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ns["pruefe"].a1.check()
    assert capsys.readouterr().out == ""


def test_do_hint_and_solution_show_texts_of_the_exercise_folder(capsys, monkeypatch):
    ns = _notebook("08_loesungen", SOURCE / "08_loesungen", monkeypatch)
    ns["pruefe"].a2.hint()
    out = capsys.readouterr().out
    assert load_exercise(SOURCE / "08_loesungen").tasks["a2"].hints[0] in out
    ns["pruefe"].a2.solution()
    assert "quick_wins =" in capsys.readouterr().out


def test_does_the_graded_edition_run_only_visible_checks_and_show_no_solution(
    tmp_path, capsys, monkeypatch
):
    """A released folder has tasks.py and data.json but no judges.py."""
    folder = tmp_path / "03_beduerfnisse"
    folder.mkdir()
    for name in ("tasks.py", "data.json"):
        shutil.copy(SOURCE / "03_beduerfnisse" / name, folder / name)
    ns = _notebook("03_beduerfnisse", folder, monkeypatch)
    pruefe = ns["pruefe"]
    ns["unterversorgt"] = ["Bequem bezahlen"]  # the right form, the wrong names
    pruefe.a2.check()
    out = capsys.readouterr().out
    assert t("grading.check.visible_passed") in out and t("grading.check.correct") not in out
    pruefe.a2.test()  # passes: only the visible tests run in the kernel
    ns["unterversorgt"] = "abc"
    with pytest.raises(AssertionError, match="`unterversorgt` soll eine Liste von Namen sein"):
        pruefe.a2.test()
    assert not hasattr(pruefe.a2, "solution")
    with pytest.raises(AttributeError, match="keine Musterlösung"):
        pruefe.a2.solution()


def test_a_failing_test_cell_shows_its_message_in_whole_words(tmp_path, monkeypatch):
    """Is a long message of a failing test cell broken between words, at most 90 characters
    a line as IPython shows it ("AssertionError: ..."), so JupyterLab splits no word?"""
    folder = tmp_path / "03_beduerfnisse"
    folder.mkdir()
    for name in ("tasks.py", "data.json"):
        shutil.copy(SOURCE / "03_beduerfnisse" / name, folder / name)
    ns = _notebook("03_beduerfnisse", folder, monkeypatch)
    ns["unterversorgt"] = ["Gibt es nicht"]
    with pytest.raises(AssertionError) as raised:
        ns["pruefe"].a2.test()
    shown = f"AssertionError: {raised.value}"
    assert len(shown) > 100  # long enough to need a break
    assert [line for line in shown.splitlines() if len(line) > 90] == []
    assert " ".join(shown.split()).endswith("genau so, wie sie in der Tabelle stehen.")


def test_is_an_exercise_without_its_folder_a_german_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="Die Dateien der Übung „99_gibt_es_nicht“ fehlen"):
        uebung("99_gibt_es_nicht", {})
    with pytest.raises(ValueError, match=r"globals\(\)"):
        uebung("03_beduerfnisse", None)  # type: ignore[arg-type]


def test_is_the_placeholder_one_falsy_value():
    assert Placeholder() is ____ and not ____ and repr(____) == "____"


def test_does_strip_hidden_replace_the_hidden_region_with_one_note():
    source = "x = 1\nassert x\n### BEGIN HIDDEN TESTS\nassert geheim == 42\n### END HIDDEN TESTS"
    text, found = strip_hidden(source)
    assert found and "geheim" not in text and t("grading.feedback.hidden_tests") in text
    assert strip_hidden("assert True") == ("assert True", False)


def test_does_a_wrong_value_in_a_dictionary_name_the_key_instead_of_crashing():
    want = {"hinzugefügt": 1, "geändert": 2, "entfernt": 1}
    with pytest.raises(Incorrect) as info:
        same_mapping({"hinzugefügt": 1, "geändert": 99, "entfernt": 1}, want, "zusammenfassung")
    assert str(info.value) == "In `zusammenfassung` stimmt der Wert für „geändert“ noch nicht."


def test_does_the_map_review_tell_a_stale_claim_from_a_refuted_one(monkeypatch):
    """Exercise 12: a stale claim put among the refuted ones is named as wrong, in German."""
    ns = _notebook("12_iterationen", SOURCE / "12_iterationen", monkeypatch)
    solutions = reference_solutions(SOURCE / "12_iterationen" / "12_iterationen.ipynb")
    for task in ("a1", "a2"):
        exec(solutions[task], ns)
    ns["widerlegt"] = [
        "Checkout auf dem Smartphone bricht ab",
        "Wartezeit in der Hotline",
        "Fachberatung in der Filiale",
    ]
    ns["veraltet"] = ["Warenkorb und Checkout"]
    verdict = ns["pruefe"].a3.verdict()
    assert verdict.kind == "incorrect"
    assert verdict.message == "`widerlegt` hat 3 Einträge, erwartet sind 2."
    ns["januar"] = ns["juli"]  # the first verification given as the second
    verdict = ns["pruefe"].a2.verdict()
    assert verdict.kind == "incorrect" and "Export Januar 2027" in verdict.message


@pytest.mark.parametrize(
    ("ename", "kept"),
    [("Zeitlimit", True), ("KernelDead", True), ("KeyboardInterrupt", False), (None, False)],
)
def test_does_a_failed_hand_over_score_0_and_say_why(ename, kept):
    """The test cell of a hand-over that timed out or crashed says so; nothing else leaks."""
    from nbformat import NotebookNode

    from cjmlib.grading.verdicts import Verdicts

    verdicts = Verdicts(load_exercise(SOURCE / "03_beduerfnisse"))
    meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": "a2_tests", "points": 2}}
    cell = nbformat.v4.new_code_cell("pruefe.a2.test()", metadata=meta)
    interrupted = NotebookNode(output_type="error", ename="KeyboardInterrupt", evalue="")
    interrupted.traceback = ["KeyboardInterrupt"]
    handover = [interrupted]
    if ename not in (None, "KeyboardInterrupt"):
        note = NotebookNode(output_type="error", ename=ename, evalue=f"{ename}-Notiz")
        note.traceback = [f"{ename}-Notiz"]
        handover.append(note)
    outputs = verdicts.outputs(cell, verdicts.task_of(cell), handover)
    names = [o.get("ename") for o in outputs]
    assert all(o.output_type == "error" for o in outputs)  # scores 0
    if kept:
        assert names == [ename] and outputs[0].evalue == f"{ename}-Notiz"
    else:
        assert names == ["AnswersNotHandedOver"]
