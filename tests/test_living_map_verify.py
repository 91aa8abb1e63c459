"""Verification: each status, the drift tolerance, the review interval, the intervals.

Every figure here is counted by hand from a log of a few customers; the intervals are
checked against values worked out with pencil and calculator (written in the test).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from living_map_data import drop_off_log, drop_rule, journeys, project, survey

from cjmlib import datasets
from cjmlib.analytics import count_switches, funnel, time_between_steps
from cjmlib.analytics._common import wilson
from cjmlib.analytics.evidence import (
    compute_figures,
    mean_interval,
    nps_interval_adjusted_wald,
    wilson_interval,
)
from cjmlib.analytics.verification import (
    claim_statuses,
    compare_verifications,
    revisit_first,
    verification_table,
    verify_map,
)
from cjmlib.errors import CJMError
from cjmlib.model import EvidenceRule
from cjmlib.workbook import Workbook


def verify(rules, *, today="2026-04-01", history=(), **data):
    p = project(evidence_rules=list(rules), verifications=list(history))
    return verify_map(p, today=today, **data)


# -- intervals against hand-computed values ---------------------------------------------------


def test_wilson_interval_by_hand():
    # 4 of 10: centre (0.4 + z²/20) / (1 + z²/10), half-width z·sqrt(0.024 + z²/400) / (…)
    low, high = wilson_interval(4, 10)
    assert low == pytest.approx(0.168180, abs=1e-6)
    assert high == pytest.approx(0.687326, abs=1e-6)
    low, high = wilson_interval(30, 100)
    assert (low, high) == pytest.approx((0.218948, 0.395848), abs=1e-6)
    assert wilson_interval(0, 0)[0] != wilson_interval(0, 0)[0]  # NaN without answers


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (3, 7), (50, 51), (123, 4567)])
def test_wilson_interval_equals_the_analytics_wilson(k, n):
    low, high = wilson(k, n)
    assert wilson_interval(k, n) == pytest.approx((float(low), float(high)), abs=1e-12)


def test_nps_adjusted_wald_by_hand():
    # 3 promoters, 1 passive, 1 detractor: ñ = 8, p̃ = 3.75/8, d̃ = 1.75/8, centre 0.25,
    # variance (0.46875 + 0.21875 - 0.0625) / 8 = 0.078125, half-width 1.959964 · 0.279508
    low, high = nps_interval_adjusted_wald(3, 1, 1)
    assert (low, high) == pytest.approx((-29.7826, 79.7826), abs=1e-4)
    # 50 / 30 / 20 of 100: ñ = 103, p̃ = 50.75/103, d̃ = 20.75/103
    assert nps_interval_adjusted_wald(50, 30, 20) == pytest.approx((14.0511, 44.2013), abs=1e-4)
    # the interval is cut to the scale
    assert nps_interval_adjusted_wald(40, 0, 0)[1] == 100.0


def test_ces_mean_interval_by_hand():
    # answers 5, 6, 7, 4, 3: mean 5, s = sqrt(10/4), t(0.975; 4) = 2.776445
    assert mean_interval(5, 5.0, (10 / 4) ** 0.5, lo=1, hi=7) == pytest.approx(
        (3.036757, 6.963243), abs=1e-6
    )
    assert mean_interval(1, 5.0, float("nan")) == (None, None)


# -- the figures -------------------------------------------------------------------------------


def test_drop_off_figure_is_counted_by_hand():
    result = verify([drop_rule()], events=drop_off_log(reached=6, dropped=4)).results[0]
    assert (result.value, result.n) == (40.0, 10)
    assert (result.low, result.high) == pytest.approx((16.8180, 68.7326), abs=1e-4)
    assert result.data_until == dt.date(2026, 3, 8)


def test_a_step_at_the_same_time_counts_as_reached():
    log = journeys({"K1": ["tp-warenkorb", "tp-kasse"]}, hours=0)
    rule = drop_rule(min_n=1)
    assert verify([rule], events=log).results[0].value == 0.0


def test_a_step_only_before_the_start_does_not_count():
    log = journeys({"K1": ["tp-kasse", "tp-warenkorb"], "K2": ["tp-warenkorb", "tp-kasse"]})
    assert verify([drop_rule(min_n=1)], events=log).results[0].value == 50.0


def test_sample_data_figures_equal_the_analytics_functions():
    events = datasets.load("einzelhandel", "events")
    rules = [
        drop_rule(step_from="tp-shop-warenkorb", step_to="tp-shop-bestellung"),
        drop_rule(metric="time_between", step_from="tp-shop-suche", step_to="tp-shop-warenkorb"),
        drop_rule(metric="switch_share", step_from="", step_to=""),
    ]
    p = datasets.load("einzelhandel", "workbook")
    figures, engines = compute_figures(p, rules, events=events)
    assert engines == {"events": "duckdb"}
    f = funnel(events, ["tp-shop-warenkorb", "tp-shop-bestellung"], by="touchpoint_id")
    a, b = f["customers"].tolist()
    assert figures[rules[0].id].n == a
    assert figures[rules[0].id].value == pytest.approx(100 * (a - b) / a)
    times = time_between_steps(events, ["tp-shop-suche", "tp-shop-warenkorb"], by="touchpoint_id")
    assert figures[rules[1].id].value == pytest.approx(times["median_hours"].iloc[0])
    assert figures[rules[1].id].n == times["transitions"].iloc[0]
    switches = count_switches(events)
    share = 100 * switches.attrs["switchers"] / switches.attrs["customers_total"]
    assert figures[rules[2].id].value == pytest.approx(share)


def test_switch_share_time_survey_and_feedback_by_hand():
    log = journeys(
        {
            "K1": ["tp-suche", "tp-beratung", "tp-warenkorb", "tp-kasse"],
            "K2": ["tp-suche", "tp-warenkorb"],
            "K3": ["tp-beratung", "tp-hotline"],
        },
        hours=2,
    )
    answers = survey(
        [
            ("K1", "tp-kasse", 10, 5, 5),
            ("K2", "tp-kasse", 9, 4, 6),
            ("K3", "tp-kasse", 7, 3, 7),
            ("K4", "tp-kasse", 3, 2, 4),
            ("K5", "tp-kasse", 10, 1, 3),
            ("K6", "tp-hotline", 0, 1, 1),
        ]
    )
    feedback = pd.DataFrame(
        {
            "received": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]),
            "text": ["a", "b", "c", "d"],
            "touchpoint_id": ["tp-kasse"] * 4,
            "tags": [["Wartezeit"], ["Preis"], ["wartezeit", "Preis"], []],
        }
    )
    common = dict(claim="emotion", target="tp-kasse", min_n=1, step_from="", step_to="")
    rules = [
        EvidenceRule(title="Wechsel", metric="switch_share", threshold=30, **common),
        EvidenceRule(
            title="Zeit",
            metric="time_between",
            threshold=10,
            comparison="<=",
            **{**common, "step_from": "tp-suche", "step_to": "tp-kasse"},
        ),
        EvidenceRule(title="NPS", metric="nps", touchpoint_id="tp-kasse", threshold=0, **common),
        EvidenceRule(title="CSAT", metric="csat", touchpoint_id="tp-kasse", threshold=30, **common),
        EvidenceRule(title="CES", metric="ces", touchpoint_id="tp-kasse", threshold=4, **common),
        EvidenceRule(
            title="Thema", metric="theme_share", theme="Wartezeit", threshold=40, **common
        ),
    ]
    record = verify(rules, events=log, survey=answers, feedback=feedback)
    got = {r.rule_id: r for r in record.results}
    switch, time, nps, csat, ces, theme = (got[r.id] for r in rules)
    assert (switch.value, switch.n) == (pytest.approx(100 / 3), 3)  # K1 of K1..K3
    assert (time.value, time.n) == (6.0, 1)  # K1: Suche at 0 h, Kasse at 6 h
    assert (time.low, time.high) == (None, None)
    assert (nps.value, nps.n) == (40.0, 5)  # 3 promoters, 1 passive, 1 detractor
    assert (nps.low, nps.high) == pytest.approx((-29.7826, 79.7826), abs=1e-4)
    assert (csat.value, csat.n) == (40.0, 5)  # 5 and 4 of 5 answers
    assert (ces.value, ces.n) == (5.0, 5)
    assert (ces.low, ces.high) == pytest.approx((3.036757, 6.963243), abs=1e-6)
    assert (theme.value, theme.n) == (50.0, 4)  # case-insensitive theme match
    assert [r.status for r in record.results] == ["bestätigt"] * 6
    assert nps.data_until == dt.date(2026, 3, 10) and theme.data_until == dt.date(2026, 3, 4)


def test_segment_and_persona_filters_read_the_customer_table():
    log = drop_off_log(reached=6, dropped=4)
    customers = pd.DataFrame(
        {
            "customer_id": [f"K{i:03d}" for i in range(10)],
            "segment_id": ["seg-a"] * 3 + ["seg-b"] * 7,
        }
    )
    # seg-a: K000-K002 all reached the checkout; seg-b: 3 of 7 (K003-K005) reached, 4 dropped
    rules = [
        drop_rule(segment="seg-a", min_n=1),
        drop_rule(segment="seg-b", min_n=1),
        drop_rule(segment="per-a", min_n=1),
    ]
    got = [r.value for r in verify(rules, events=log, customers=customers).results]
    assert got == [0.0, pytest.approx(400 / 7), 0.0]
    without = verify(rules[:1], events=log).results[0]
    assert without.status == "ohne Beleg" and without.reason == "problem"
    assert "keine Spalte `segment_id`" in without.problem and "customers=" in without.problem


# -- the statuses ------------------------------------------------------------------------------


def test_confirmed_and_refuted():
    log = drop_off_log(reached=6, dropped=4)
    ok, bad = verify([drop_rule(), drop_rule(threshold=50)], events=log).results
    assert (ok.status, ok.reason) == ("bestätigt", "holds")
    assert (bad.status, bad.reason) == ("widerlegt", "fails")
    below = verify([drop_rule(comparison="<", threshold=40)], events=log).results[0]
    assert below.status == "widerlegt"  # 40 is not below 40


def test_without_evidence_has_a_reason_each():
    log = drop_off_log(reached=6, dropped=4)
    rules = [
        drop_rule(min_n=30),
        drop_rule(step_from="tp-gibtsnicht"),
        drop_rule(segment="seg-b"),
        drop_rule(metric="nps", step_from="", step_to="", threshold=0),
    ]
    customers = pd.DataFrame({"customer_id": ["K000"], "segment_id": ["seg-a"]})
    few, unknown, empty, no_survey = verify(rules, events=log, customers=customers).results
    assert (few.status, few.reason, few.value, few.n) == ("ohne Beleg", "too_few", 40.0, 10)
    assert (unknown.status, unknown.reason) == ("ohne Beleg", "problem")
    assert unknown.problem.startswith("Den Schritt „tp-gibtsnicht“ gibt es in der Spalte")
    assert "tp-kasse, tp-suche, tp-warenkorb" in unknown.problem
    assert (empty.status, empty.reason, empty.n) == ("ohne Beleg", "no_data", 0)
    assert no_survey.reason == "problem" and "`survey=`" in no_survey.problem


def test_drift_tolerance_makes_a_claim_stale():
    rule = drop_rule(drift_tolerance=5)
    first = verify([rule], events=drop_off_log(reached=6, dropped=4))  # 40 %
    assert first.results[0].status == "bestätigt"
    # 9 of 20 = 45 %: moved exactly by the tolerance -> still confirmed
    same = verify([rule], events=drop_off_log(11, 9), history=[first], today="2026-04-02")
    assert same.results[0].status == "bestätigt"
    assert (same.results[0].baseline, same.results[0].baseline_on) == (40.0, dt.date(2026, 4, 1))
    # 23 of 50 = 46 %: 6 points above the confirmation of 40 % -> stale
    moved = verify([rule], events=drop_off_log(27, 23), history=[first], today="2026-04-03")
    assert (moved.results[0].status, moved.results[0].reason) == ("veraltet", "drift")
    assert moved.results[0].baseline == 40.0
    # still 46 %: a stale result confirms nothing, the baseline stays 40 %, it stays stale
    again = verify([rule], events=drop_off_log(27, 23), history=[first, moved], today="2026-04-04")
    assert again.results[0].status == "veraltet" and again.results[0].baseline == 40.0
    # measured against the latest confirmation: after 45 % was confirmed, 46 % is no drift
    after = verify([rule], events=drop_off_log(27, 23), history=[first, same], today="2026-04-05")
    assert after.results[0].status == "bestätigt" and after.results[0].baseline == 45.0


def test_drift_needs_the_same_basis_and_a_tolerance():
    first = verify([drop_rule(drift_tolerance=5)], events=drop_off_log(6, 4))
    moved = drop_off_log(27, 23)
    no_tolerance = drop_rule(id=first.results[0].rule_id)
    assert verify([no_tolerance], events=moved, history=[first]).results[0].status == "bestätigt"
    other_steps = drop_rule(id=first.results[0].rule_id, drift_tolerance=5, step_from="tp-suche")
    result = verify([other_steps], events=moved, history=[first]).results[0]
    assert result.status == "bestätigt" and result.baseline is None


def test_turning_the_claim_around_starts_a_new_baseline():
    """A review that turns a refuted claim around ("at least 30 %" -> "below 10 %") makes a
    new claim: the old confirmation is no baseline for it, so it is not stale by drift."""
    rule = drop_rule(drift_tolerance=5)
    first = verify([rule], events=drop_off_log(6, 4))  # 40 % >= 30: confirmed
    turned = rule.copy_with(comparison="<", threshold=10)
    assert turned.basis() != rule.basis()
    assert rule.copy_with(threshold=35).basis() == rule.basis()  # a new threshold keeps it
    assert rule.copy_with(comparison=">").basis() == rule.basis()  # so does the same direction
    low = drop_off_log(19, 1)  # 1 of 20 = 5 %
    result = verify([turned], events=low, history=[first], today="2026-04-02").results[0]
    assert (result.status, result.reason, result.baseline) == ("bestätigt", "holds", None)


def test_review_interval_on_the_data():
    rule = drop_rule(review_days=30)
    log = drop_off_log(6, 4)  # newest event on 2026-03-08
    fresh = verify([rule], events=log, today="2026-04-07").results[0]
    assert fresh.status == "bestätigt"  # exactly 30 days
    old = verify([rule], events=log, today="2026-04-08").results[0]
    assert (old.status, old.reason) == ("veraltet", "old_data")


def test_review_interval_on_the_verification_and_claims_without_rules():
    rule = drop_rule(review_days=90)
    record = verify([rule], events=drop_off_log(6, 4))
    p = project(evidence_rules=[rule], verifications=[record])
    now = {(e["claim"].kind, e["claim"].target): e for e in claim_statuses(p)}
    assert now[("pain_point", "pp-kasse")]["status"] == "bestätigt"
    assert (
        now[("moment_of_truth", "tp-kasse")]["status"],
        now[("moment_of_truth", "tp-kasse")]["reason"],
    ) == (
        "ohne Beleg",
        "no_rule",
    )
    later = {(e["claim"].kind, e["claim"].target): e for e in claim_statuses(p, today="2026-07-01")}
    assert (
        later[("pain_point", "pp-kasse")]["status"],
        later[("pain_point", "pp-kasse")]["reason"],
    ) == (
        "veraltet",
        "overdue",
    )


def test_a_claim_takes_its_most_urgent_rule():
    log = drop_off_log(6, 4)
    rules = [drop_rule(), drop_rule(threshold=50), drop_rule(step_from="tp-gibtsnicht")]
    record = verify(rules, events=log)
    p = project(evidence_rules=rules, verifications=[record])
    entry = next(e for e in claim_statuses(p) if e["claim"].target == "pp-kasse")
    assert entry["status"] == "widerlegt" and len(entry["results"]) == 3
    order = [e["status"] for e in revisit_first(p)]
    assert order == sorted(order, key=["widerlegt", "veraltet", "ohne Beleg", "bestätigt"].index)
    assert revisit_first(p)[0]["todo"].startswith("Die Daten widersprechen der Karte")


# -- in the workbook: history, table, comparison -----------------------------------------------


def test_a_past_verification_shows_its_rules_as_they_were_checked():
    """A review turns a refuted rule around after the verification; the table and the
    comparison of that verification still show the rule it checked (a report saved later
    showed "below 10 %" next to "widerlegt" for a figure of 5,6 %)."""
    rule = drop_rule()  # at least 30 %
    first = verify([rule], events=drop_off_log(19, 1))  # 5 %: refuted
    turned = rule.copy_with(comparison="<", threshold=10)
    p = project(evidence_rules=[turned], verifications=[first])
    row = verification_table(p, first).iloc[0]
    assert row["Messung"] == "Abbruch von „Warenkorb“ bis „Kasse“ ≥ 30,0 %"
    assert row["Status"] == "widerlegt"
    second = verify([turned], events=drop_off_log(19, 1), history=[first], today="2026-04-02")
    p = project(evidence_rules=[turned], verifications=[first, second])
    assert verification_table(p, second).iloc[0]["Messung"] == (
        "Abbruch von „Warenkorb“ bis „Kasse“ unter 10,0 %"
    )
    changes = compare_verifications(p, first, second)
    assert changes.iloc[0]["Regel"] == "Abbruch von „Warenkorb“ bis „Kasse“ unter 10,0 %"


def test_verifications_are_kept_and_compared(tmp_path):
    wb = Workbook.open(tmp_path / "karte.cjm.json", template=project())
    rule = wb.evidence_rules.add(drop_rule(drift_tolerance=5))
    wb.evidence_rules.add(
        drop_rule(title="Kasse frustriert", claim="emotion", target="tp-kasse", threshold=45)
    )
    first = verify_map(wb, events=drop_off_log(6, 4), title="Frühjahr", today="2026-04-01")
    second = verify_map(wb, events=drop_off_log(27, 23), title="Sommer", today="2026-07-01")
    assert [v.title for v in Workbook.open(wb.path).verifications] == ["Frühjahr", "Sommer"]
    assert second.result(rule.id).status == "veraltet"
    table = verification_table(wb)
    assert list(table.columns) == [
        "Aussage",
        "Art",
        "Belegregel",
        "Messung",
        "Wert",
        "95-%-Intervall",
        "Anzahl",
        "Status",
        "Begründung",
        "Daten bis",
    ]
    assert table["Status"].tolist() == ["veraltet", "bestätigt"]
    # Wilson for 23 of 50 by hand: centre 0.462854, half-width 0.133157
    assert table.loc[0, "Wert"] == "46,0 %" and table.loc[0, "95-%-Intervall"] == "33,0 % – 59,6 %"
    assert table.loc[0, "Messung"] == "Abbruch von „Warenkorb“ bis „Kasse“ ≥ 30,0 %"
    assert table.loc[0, "Belegregel"] == "Kasse bricht ab"
    assert "um mehr als die Toleranz von 5,0 Pp." in table.loc[0, "Begründung"]
    assert table.attrs["explanation"] == (
        "Sommer (01.07.2026): 0 widerlegt, 1 veraltet, 0 ohne Beleg, 1 bestätigt."
    )
    diff = compare_verifications(wb, "Frühjahr", "Sommer")
    assert diff.loc[0, "Bewertung"] == "jetzt veraltet"
    assert diff.loc[0, "Veränderung"] == "+6,0 Pp."
    assert (
        diff.loc[1, "Status vorher"] == "widerlegt" and diff.loc[1, "Status jetzt"] == "bestätigt"
    )
    assert diff.attrs["changed"] == 2
    assert first.id in {v.id for v in wb.verifications}


def test_verify_map_says_what_is_missing():
    with pytest.raises(CJMError, match="Deine Karte hat noch keine Belegregeln"):
        verify_map(project(), events=drop_off_log(6, 4))
    with pytest.raises(
        CJMError,
        match=re.escape("`workbook` muss dein Arbeitsbuch sein, du hast aber etwas anderes"),
    ):
        verify_map([], events=None)
    with pytest.raises(CJMError, match="`today` = „gestern“ ist kein Datum"):
        verify([drop_rule()], events=drop_off_log(6, 4), today="gestern")


def test_an_event_log_file_is_verified_without_loading_it(tmp_path):
    log = drop_off_log(6, 4)
    path = tmp_path / "export.parquet"
    log.to_parquet(path)
    rule = drop_rule()
    from_file = verify([rule], events=str(path)).results[0]
    from_frame = verify([rule], events=log).results[0]
    assert (from_file.value, from_file.n, from_file.status) == (40.0, 10, "bestätigt")
    assert from_file.model_dump() == from_frame.model_dump()


def test_a_repeated_title_means_its_latest_run():
    from cjmlib.analytics.verification import pick_verification

    rule = drop_rule()
    first = verify([rule], events=drop_off_log(6, 4), title="Export", today="2026-04-01")
    again = verify([rule], events=drop_off_log(27, 23), title="Export", today="2026-04-02")
    p = project(evidence_rules=[rule], verifications=[again, first])
    assert pick_verification(p, "Export") == again
    assert pick_verification(p, None) == again
    assert pick_verification(p, first.id) == first
