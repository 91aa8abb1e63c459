"""Übung 12 · Das Review der Map: what each task expects (instructor only: never released).

The expected statuses were computed with the exercise's rules on the running case's two
periods (the reference solution scores full marks in tests/test_grading_assignments.py).
"""

from typing import Any

from cjmlib.grading.answers import Answers
from cjmlib.grading.checks import expect, fail, same_items, same_number
from cjmlib.model import claims_of

Data = dict[str, Any]

TARGETS = {
    "hotline": "tp-hotline-warten",
    "warenkorb": "tp-shop-warenkorb",
    "verfuegbarkeit": "pp-bestand-falsch",
}
JANUARY = {
    "regel-checkout": "widerlegt",
    "regel-hotline": "widerlegt",
    "regel-beratung": "veraltet",
    "regel-warenkorb": "veraltet",
    "regel-verfuegbarkeit": "ohne Beleg",
    "regel-abholtheke": "bestätigt",
}
REFUTED = ["Checkout auf dem Smartphone bricht ab", "Wartezeit in der Hotline"]
STALE = ["Fachberatung in der Filiale", "Warenkorb und Checkout"]
FIRST = "Checkout auf dem Smartphone bricht ab"
CHANGED = 5


def judge_a1(answers: Answers, data: Data) -> None:
    rules = {r.id: r for r in answers.workbook.evidence_rules}
    names = {c.target: c.name for c in claims_of(answers.workbook.project)}
    for key, target in TARGETS.items():
        rule = rules.get(data["regeln_neu"][key]["id"])
        if rule is None:
            fail("not_in_workbook", name="wb.evidence_rules", item=data["regeln_neu"][key]["title"])
        expect(
            rule.target == target,
            f"Die Regel „{rule.title}“ hängt an „{names.get(rule.target, rule.target)}“. "
            "Passt das zu dem, was die Regel misst? Lies ihren Titel in der Tabelle der Aufgabe "
            "noch einmal und such die Aussage, die genau das behauptet.",
        )
    same_items(
        [r.id for r in answers["neue_regeln"]],
        [data["regeln_neu"][k]["id"] for k in TARGETS],
        "neue_regeln",
    )


def judge_a2(answers: Answers, data: Data) -> None:
    juli, januar = answers["juli"], answers["januar"]
    expect(juli.title == "Export Juli 2026", "Die erste Prüfung heißt „Export Juli 2026“.")
    expect(
        {r.status for r in juli.results} == {"bestätigt"} and len(juli.results) == len(JANUARY),
        "Im Juli sollte jede der sechs Regeln bestätigt sein. Hast du die Daten vom Juli "
        'und `today="2026-08-05"` genommen?',
    )
    got = {r.rule_id: r.status for r in januar.results}
    expect(
        got == JANUARY,
        "Die Prüfung vom Januar hat nicht die erwarteten Status. Nimm die Daten vom Januar, "
        '`today="2027-02-05"`, und prüfe nach der Prüfung vom Juli.',
    )
    titles = [v.title for v in answers.workbook.verifications]
    expect(
        titles[-2:] == ["Export Juli 2026", "Export Januar 2027"],
        "Im Arbeitsbuch sollen die beiden Prüfungen in dieser Reihenfolge stehen: "
        "erst „Export Juli 2026“, dann „Export Januar 2027“.",
    )


def judge_a3(answers: Answers, data: Data) -> None:
    same_items(answers["widerlegt"], REFUTED, "widerlegt")
    same_items(answers["veraltet"], STALE, "veraltet")


def judge_a4(answers: Answers, data: Data) -> None:
    expect(
        answers["zuerst"] == FIRST,
        "`zuerst` ist noch nicht die Aussage, die ein Review als erste angehen sollte.",
    )
    same_number(answers["geaendert"], CHANGED, "geaendert", tol=0)


JUDGES = {"a1": judge_a1, "a2": judge_a2, "a3": judge_a3, "a4": judge_a4}
