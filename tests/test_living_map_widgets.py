"""The rule builder driven from code, as a trainee would click (no browser)."""

from __future__ import annotations

import pytest
from living_map_data import drop_off_log, project

from cjmlib.widgets.evidence import RuleBuilder
from cjmlib.workbook import Workbook

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "karte.cjm.json", template=project())


def fill_drop_off(builder: RuleBuilder, title: str = "Kasse bricht ab", threshold: str = "30"):
    builder.new_button.click()
    builder.claim.value = "pain_point"
    builder.target.value = "pp-kasse"
    builder.metric.value = "drop_off"
    builder.form["title"].value = title
    builder.form["step_from"].value = "tp-warenkorb"
    builder.form["step_to"].value = "tp-kasse"
    builder.form["threshold"].value = threshold
    builder.form["drift_tolerance"].value = "5,5"
    builder.form["min_n"].value = 5


def test_a_rule_is_built_saved_and_reloaded(wb):
    builder = RuleBuilder(wb, show_map=False)
    fill_drop_off(builder)
    builder.segment.value = "seg-a"
    builder.save_button.click()
    assert builder.error == ""
    assert builder.status.message == "Belegregel „Kasse bricht ab“ gespeichert."
    rule = Workbook.open(wb.path).evidence_rules["Kasse bricht ab"]
    assert (rule.claim, rule.target, rule.metric, rule.threshold) == (
        "pain_point",
        "pp-kasse",
        "drop_off",
        30.0,
    )
    assert (rule.drift_tolerance, rule.min_n, rule.segment) == (5.5, 5, "seg-a")
    # choosing the rule again fills the form and the choices
    builder.new_button.click()
    assert builder.claim.value == "emotion" and builder.form["title"].value == ""
    builder.select(rule.id)
    assert (builder.claim.value, builder.target.value, builder.segment.value) == (
        "pain_point",
        "pp-kasse",
        "seg-a",
    )
    assert builder.form["step_to"].value == "tp-kasse"
    assert "Abbruch von „Warenkorb“ bis „Kasse“ ≥ 30,0 %" in builder.table.value


def test_the_form_shows_only_what_the_metric_needs(wb):
    builder = RuleBuilder(wb, show_map=False)
    shown = lambda name: builder._boxes[name].layout.display  # noqa: E731
    builder.metric.value = "nps"
    assert shown("touchpoint_id") == "flex" and shown("by") == "none"
    assert builder._form_cell("step_from").layout.display == "none"
    builder.metric.value = "drop_off"
    assert shown("by") == "flex" and builder._form_cell("step_from").layout.display == "flex"
    assert builder.form["step_from"].options == (
        "tp-anzeige",
        "tp-suche",
        "tp-beratung",
        "tp-warenkorb",
        "tp-kasse",
        "tp-hotline",
    )
    builder.by.value = "phase"
    assert builder.form["step_from"].options[0] == "bewusstsein"


def test_targets_follow_the_kind_of_claim(wb):
    builder = RuleBuilder(wb, show_map=False)
    builder.claim.value = "hypothesis"
    assert [v for _label, v in builder.target.options] == ["hyp-1"]
    builder.claim.value = "kpi"
    assert [v for _label, v in builder.target.options] == ["Abbruchquote Kasse", "act-1"]
    builder.claim.value = "emotion"
    assert len(builder.target.options) == 6  # every touchpoint may get a rule
    wb.pain_points.add(title=EVIL)
    builder.claim.value = "pain_point"
    labels = [label for label, _v in builder.target.options]
    assert any(EVIL in label for label in labels)  # a dropdown label is text, not markup


def test_a_wrong_threshold_stays_in_the_form_with_a_german_message(wb):
    builder = RuleBuilder(wb, show_map=False)
    fill_drop_off(builder, threshold="250")
    assert builder.save() is False
    assert builder.form["threshold"].value == "250"
    assert "Die Schwelle (`threshold`) ist 250" in builder.error
    assert "Erlaubt ist eine Zahl von 0 bis 100" in builder.form.errors["threshold"].value
    assert len(wb.evidence_rules) == 0
    builder.form["threshold"].value = "drei"
    assert builder.save() is False and len(wb.evidence_rules) == 0


def test_verify_button_runs_every_rule_and_shows_the_result(wb):
    builder = RuleBuilder(wb, events=drop_off_log(6, 4), show_map=False)
    fill_drop_off(builder, title=EVIL)
    builder.save_button.click()
    builder.verify_button.click()
    assert builder.verify_error == ""
    record = Workbook.open(wb.path).verifications[builder.verification_id]
    assert record.results[0].status == "bestätigt" and record.results[0].value == 40.0
    assert "1 bestätigt" in builder.verify_status.value
    assert "40,0 %" in builder.results.value
    assert "&lt;img src=x" in builder.results.value and "<img src=x" not in builder.results.value


def test_verify_counts_for_the_day_the_builder_is_given(wb):
    """A course's sample data are from 2026: the chapter tells the builder the day of the
    export, so "Karte prüfen" does not call every claim stale a year later."""
    import datetime as dt

    builder = RuleBuilder(wb, events=drop_off_log(6, 4), show_map=False, today="2026-04-02")
    fill_drop_off(builder, title="Kasse bricht ab")
    builder.form["review_days"].value = "30"
    builder.save_button.click()
    builder.verify_button.click()
    record = Workbook.open(wb.path).verifications[builder.verification_id]
    assert record.checked_on == dt.date(2026, 4, 2)
    assert record.results[0].status == "bestätigt"
    late = RuleBuilder(wb, events=drop_off_log(6, 4), show_map=False, today="2027-04-02")
    late.verify_button.click()
    again = Workbook.open(wb.path).verifications[late.verification_id]
    assert (again.results[0].status, again.results[0].reason) == ("veraltet", "old_data")


def test_verify_without_rules_or_data_says_what_to_do(wb):
    builder = RuleBuilder(wb, show_map=False)
    builder.verify_button.click()
    assert builder.verify_error.startswith("Deine Karte hat noch keine Belegregeln")
    fill_drop_off(builder)
    builder.save_button.click()
    builder.verify_button.click()  # no event log given: the rule has no evidence
    record = wb.verifications[builder.verification_id]
    assert record.results[0].status == "ohne Beleg"
    assert "`events=`" in record.results[0].problem


def test_verify_draws_the_map_with_its_layer(wb):
    builder = RuleBuilder(wb, events=drop_off_log(6, 4))
    fill_drop_off(builder)
    builder.save_button.click()
    builder.verify()
    assert builder.map.chart_error == ""
    spec = builder.map.chart.to_dict()
    assert spec["vconcat"][-1]["layer"][0]["title"]["text"].startswith("Belege: Prüfung vom")
