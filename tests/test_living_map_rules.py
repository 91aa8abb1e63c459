"""Evidence rules as validated model objects: German errors, claims, workbook round trip."""

from __future__ import annotations

import json
import re

import pytest
from living_map_data import drop_rule, project

from cjmlib.errors import CJMError
from cjmlib.model import EvidenceRule, JourneyProject, RuleResult, Verification, claims_of
from cjmlib.workbook import SCHEMA_VERSION, Workbook
from cjmlib.workbook.migrations import migrate


def exact(text: str) -> str:
    return re.escape(text)


def rule(**fields) -> EvidenceRule:
    return drop_rule(**{"min_n": 30, **fields})


# -- one rule --------------------------------------------------------------------------------


def test_a_rule_has_sensible_defaults():
    r = rule()
    assert r.id.startswith("rule-")
    assert (r.comparison, r.by, r.review_days, r.min_n, r.drift_tolerance) == (
        ">=",
        "touchpoint_id",
        365,
        30,
        None,
    )
    assert r.source == "events"
    assert rule(metric="nps", step_from="", step_to="").source == "survey"
    assert rule(metric="theme_share", theme="Wartezeit").source == "feedback"


def test_drop_off_needs_both_steps():
    with pytest.raises(
        CJMError,
        match=exact(
            "Belegregel „Kasse bricht ab“: Die Kennzahl „Abbruch zwischen zwei Schritten“ braucht "
            "zwei Schritte, `step_from` und `step_to` – Werte aus der Spalte `touchpoint_id`"
        ),
    ) as info:
        rule(step_to="")
    assert info.value.field == "step_to"


def test_steps_must_differ():
    with pytest.raises(CJMError, match=exact("`step_from` und `step_to` sind beide „tp-kasse“")):
        rule(step_from="tp-kasse", step_to="TP-Kasse")


def test_theme_share_needs_a_theme():
    with pytest.raises(CJMError, match=exact("fehlt das Thema (`theme`)")) as info:
        rule(metric="theme_share")
    assert info.value.field == "theme"


@pytest.mark.parametrize(
    ("metric", "threshold", "allowed"),
    [
        ("nps", 101, "eine Zahl von −100 bis 100"),
        ("drop_off", -1, "eine Zahl von 0 bis 100"),
        ("ces", 0.5, "eine Zahl von 1 bis 7"),
        ("time_between", -2, "eine Zahl ab 0"),
    ],
)
def test_threshold_must_fit_the_metric(metric, threshold, allowed):
    with pytest.raises(CJMError, match=exact(f"Erlaubt ist {allowed}.")) as info:
        rule(metric=metric, threshold=threshold, theme="x")
    assert (info.value.field, info.value.allowed) == ("threshold", allowed)


def test_unknown_choices_are_named_in_german():
    with pytest.raises(
        CJMError, match=exact("Das Feld „Kennzahl“ (`metric`) hat den Wert 'umsatz'")
    ):
        rule(metric="umsatz")
    with pytest.raises(CJMError, match=exact("Das Feld „Vergleich“ (`comparison`)")):
        rule(comparison="=>")
    with pytest.raises(CJMError, match=exact("Das Feld „Toleranz“ (`drift_tolerance`)")):
        rule(drift_tolerance=-1)


def test_comparison_and_basis():
    r = rule(comparison="<", threshold=20)
    assert r.holds(19.9) and not r.holds(20)
    assert rule(comparison=">=").holds(30) and not rule(comparison=">").holds(30)
    # The threshold, tolerance and title do not change what is measured ...
    assert rule(threshold=40, title="anders", drift_tolerance=3).basis() == rule().basis()
    # ... the steps and the segment do.
    assert rule(step_to="tp-hotline").basis() != rule().basis()
    assert rule(segment="seg-a").basis() != rule().basis()


# -- rules in a project ----------------------------------------------------------------------


def test_claims_of_the_map():
    claims = claims_of(project())
    kinds = [(c.kind, c.target) for c in claims]
    assert kinds == [
        ("emotion", "tp-beratung"),
        ("emotion", "tp-warenkorb"),
        ("emotion", "tp-kasse"),
        ("moment_of_truth", "tp-kasse"),
        ("pain_point", "pp-kasse"),
        ("hypothesis", "hyp-1"),
        ("kpi", "Abbruchquote Kasse"),
        ("kpi", "act-1"),
    ]
    by_target = {(c.kind, c.target): c for c in claims}
    assert by_target[("pain_point", "pp-kasse")].phase == "kauf"
    assert by_target[("hypothesis", "hyp-1")].phase == "kauf"  # via its pain point
    assert by_target[("kpi", "Abbruchquote Kasse")].phase is None


def test_a_rule_makes_a_neutral_emotion_a_claim():
    p = project(
        evidence_rules=[
            rule(claim="emotion", target="tp-suche", metric="csat", step_from="", step_to="")
        ]
    )
    assert ("emotion", "tp-suche") in [(c.kind, c.target) for c in claims_of(p)]


def test_rule_target_must_exist():
    with pytest.raises(
        CJMError,
        match=exact(
            "Belegregel „Kasse bricht ab“: Die Aussage (Pain Point) bezieht sich auf „pp-weg“, "
            "aber unter deinen Pain Points gibt es das nicht. Vorhanden sind: Kasse bricht ab "
            "(pp-kasse)."
        ),
    ) as info:
        project(evidence_rules=[rule(target="pp-weg")])
    assert (info.value.field, info.value.value) == ("target", "pp-weg")


def test_kpi_target_is_a_goal_kpi_or_an_action():
    p = project(
        evidence_rules=[
            rule(claim="kpi", target="abbruchquote kasse"),
            rule(claim="kpi", target="act-1"),
        ]
    )
    assert len(p.evidence_rules) == 2
    with pytest.raises(CJMError, match=exact("unter den KPIs deines Ziels")):
        project(evidence_rules=[rule(claim="kpi", target="Umsatz")])


def test_segment_must_exist():
    assert project(evidence_rules=[rule(segment="per-a")]).evidence_rules[0].segment == "per-a"
    with pytest.raises(CJMError, match=exact("mit der Kennung „seg-x“ (`segment`) gibt es nicht")):
        project(evidence_rules=[rule(segment="seg-x")])


# -- in the workbook -------------------------------------------------------------------------


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "karte.cjm.json", template=project())


def test_rules_round_trip_through_the_workbook_file(wb, tmp_path):
    added = wb.evidence_rules.add(rule(drift_tolerance=5, review_days=180, segment="seg-a"))
    wb.evidence_rules.add(
        title="Kasse frustriert",
        claim="emotion",
        target="tp-kasse",
        metric="csat",
        touchpoint_id="tp-kasse",
        comparison="<",
        threshold=60,
    )
    record = Verification(
        title="Erste Prüfung",
        results=[
            RuleResult(rule_id=added.id, status="bestätigt", reason="holds", value=35.0, n=40)
        ],
    )
    wb.verifications.add(record)
    again = Workbook.open(wb.path)
    assert again.project == wb.project
    assert [r.title for r in again.evidence_rules] == ["Kasse bricht ab", "Kasse frustriert"]
    assert again.evidence_rules[added.id].drift_tolerance == 5
    assert again.verifications["Erste Prüfung"].results[0].value == 35.0
    doc = json.loads(wb.path.read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION == 3
    assert doc["project"]["evidence_rules"][0]["threshold"] == 30


def test_rules_are_edited_from_code_and_validated(wb):
    r = wb.evidence_rules.add(rule())
    wb.evidence_rules.update(r.id, threshold=25)
    assert wb.evidence_rules[r.id].threshold == 25
    revision = wb.revision
    with pytest.raises(CJMError, match=exact("Erlaubt ist eine Zahl von 0 bis 100.")):
        wb.evidence_rules.update(r.id, threshold=250)
    assert wb.revision == revision and wb.evidence_rules[r.id].threshold == 25


def test_a_claim_target_with_a_rule_cannot_vanish_unnoticed(wb):
    wb.evidence_rules.add(rule())
    with pytest.raises(CJMError, match=exact("oder lösche zuerst die Belegregel")):
        wb.pain_points.remove("pp-kasse", cascade=True)
    assert "pp-kasse" in wb.pain_points


def test_changes_to_rules_show_in_the_project_diff(wb):
    wb.snapshot("vorher")
    wb.evidence_rules.add(rule())
    diff = wb.compare("vorher")
    assert [(c.kind, c.collection, c.title) for c in diff.changes] == [
        ("added", "evidence_rules", "Kasse bricht ab")
    ]
    assert diff.to_frame().loc[0, "Bereich"] == "Belegregeln"


def test_schema_2_files_are_migrated(tmp_path):
    doc = {
        "format": "cjm-werkstatt-workbook",
        "schema_version": 2,
        "revision": 3,
        "saved_at": None,
        "project": project().model_dump(mode="json"),
        "snapshots": [{"name": "alt", "taken_at": "x", "revision": 1, "project": {}}],
    }
    for part in (doc["project"],):
        part.pop("evidence_rules")
        part.pop("verifications")
    migrated, found = migrate(json.loads(json.dumps(doc)))
    assert found == 2 and migrated["schema_version"] == 3
    assert migrated["project"]["evidence_rules"] == [] == migrated["project"]["verifications"]
    assert migrated["snapshots"][0]["project"]["evidence_rules"] == []
    path = tmp_path / "alt.cjm.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    wb = Workbook.open(path)
    assert wb.project.touchpoints[0].id == "tp-anzeige" and len(wb.evidence_rules) == 0
    assert (tmp_path / "alt.cjm.json.schema2.bak").exists()


def test_verification_record_validates_its_results():
    with pytest.raises(CJMError, match=exact("Das Feld „Status“ (`status`) hat den Wert 'gut'")):
        Verification(title="x", results=[{"rule_id": "r", "status": "gut", "reason": "holds"}])
    assert JourneyProject(verifications=[Verification(title="leer")]).verifications[0].results == []
