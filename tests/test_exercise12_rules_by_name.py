"""Exercise 12, task 1: a trainee attaches rules by the statement's name, never by an id.

The setup cell runs as in the notebook (``tests/test_grading_checks.py``); each common
slip of a non-programmer gets a German message: a name of the wrong kind, a typo, the
same statement for two rules, a plausible but wrong statement. Re-running the cell is safe.
"""

from __future__ import annotations

import re

import pytest
from test_grading_checks import SOURCE, _notebook

from cjmlib.errors import CJMError
from cjmlib.grading.exercise import load_exercise, reference_solutions

NAME = "12_iterationen"
ID = re.compile(r"\b(tp|pp|hyp|act|seg|per)-[a-z0-9-]+")
RULES = {
    "hotline": "Wartezeit in der Hotline",
    "warenkorb": "Warenkorb und Checkout",
    "verfuegbarkeit": "Verfügbarkeitsanzeige stimmt nicht",
}


@pytest.fixture(autouse=True)
def _not_grading(monkeypatch, tmp_path):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))


@pytest.fixture
def ns(monkeypatch):
    return _notebook(NAME, SOURCE / NAME, monkeypatch)


def answer(**targets: str) -> str:
    """The code of task 1 with the statements ``targets`` (default: the right ones)."""
    chosen = {**RULES, **targets}
    lines = [
        f'    wb.evidence_rules.add(regeln_neu["{k}"], target="{v}"),' for k, v in chosen.items()
    ]
    return "neue_regeln = [\n" + "\n".join(lines) + "\n]"


def test_the_reference_solution_names_statements_and_no_id_is_shown(ns):
    solution = reference_solutions(SOURCE / NAME / f"{NAME}.ipynb")["a1"]
    assert all(f'target="{name}"' in solution for name in RULES.values())
    assert ID.search(solution) is None
    assert "Kennung" not in ns["aussagen"].columns
    assert set(ns["aussagen"].columns) == {"Art", "Aussage"}
    shown = ns["aussagen"].to_string()
    assert ID.search(shown) is None
    task = load_exercise(SOURCE / NAME).tasks["a1"]
    assert all(ID.search(h) is None for h in task.hints), task.hints


def test_the_right_names_score_and_rerunning_the_cell_keeps_three_new_rules(ns):
    before = len(ns["wb"].evidence_rules)
    for _ in range(2):
        exec(answer(), ns)
    assert len(ns["wb"].evidence_rules) == before + 3
    verdict = ns["pruefe"].a1.verdict()
    assert verdict.kind == "correct", verdict.message


def test_a_pain_point_for_an_emotion_rule_is_refused_in_german(ns):
    with pytest.raises(CJMError) as info:
        exec(answer(hotline="Lange Wartezeit in der Hotline"), ns)
    text = str(info.value)
    assert text.startswith("„Lange Wartezeit in der Hotline“ ist ein Pain Point.")
    assert "Die Regel „Die Warteschleife der Hotline frustriert“ belegt aber eine Emotion" in text
    assert "Meintest du „Wartezeit in der Hotline“?" in text and ID.search(text) is None, text


def test_a_wrong_name_lists_only_the_closest_of_many_statements(ns):
    # The exercise's journey has 31 touchpoints; 30 of them in one message buried the
    # suggestion. Names sharing a word with the typed one are listed, the rest counted.
    with pytest.raises(CJMError) as info:
        exec(answer(hotline="Lange Wartezeit in der Hotline"), ns)
    listed = " ".join(str(info.value).split()).split("Zur Wahl stehen: ", 1)[1]
    assert listed == "Anruf bei der Hotline, Wartezeit in der Hotline sowie 29 weitere.", listed
    # Sharing no word, the ten closest in spelling are listed.
    with pytest.raises(CJMError) as info:
        exec(answer(warenkorb="Chekout"), ns)
    listed = " ".join(str(info.value).split()).split("passen: ", 1)[1]
    names, _, more = listed.partition(" sowie ")
    assert more.startswith("21 weitere."), listed
    assert len(names.split(", ")) == 10 and "Warenkorb und Checkout" in names


def test_a_typo_is_refused_with_a_suggestion(ns):
    with pytest.raises(CJMError) as info:
        exec(answer(warenkorb="Warenkorb und Chekout"), ns)
    text = str(info.value)
    assert "Meintest du „Warenkorb und Checkout“?" in text
    assert ID.search(text) is None, text


def test_the_same_statement_for_two_rules_is_named(ns):
    exec(answer(warenkorb="Wartezeit in der Hotline"), ns)
    verdict = ns["pruefe"].a1.verdict()
    assert verdict.kind == "incorrect"
    assert verdict.message == (
        "Zwei Regeln in `neue_regeln` hängen an derselben Aussage „Wartezeit in der Hotline“: "
        "„Die Warteschleife der Hotline frustriert“ und „Der Checkout kostet Mühe“. Jede Regel "
        "belegt eine eigene Aussage – lies in der Tabelle oben noch einmal, was die zweite misst."
    )


def test_a_plausible_but_wrong_statement_is_named_without_giving_the_answer(ns):
    exec(answer(hotline="Anruf bei der Hotline"), ns)
    verdict = ns["pruefe"].a1.verdict()
    assert verdict.kind == "incorrect"
    assert verdict.message.startswith(
        "Die Regel „Die Warteschleife der Hotline frustriert“ hängt an „Anruf bei der Hotline“"
    )
    assert "Wartezeit in der Hotline" not in verdict.message  # the answer stays the trainee's
    assert ID.search(verdict.message) is None
