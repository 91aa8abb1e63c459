"""The later data period of every industry: shipped, loadable, and designed for the review.

Chapter 12 verifies the map's evidence rules on the first period and then on the export
"August 2026 bis Januar 2027" of the industry the trainee follows. Each period is designed
so that, with the industry's evidence rules (``industries/<key>/evidence_rules.yaml``),
claims turn *widerlegt* and *veraltet* as the period's review (``review.findings``) tells,
the data show touchpoints the map lacks, and the review's decisions leave nothing refuted.
The running case's period is also checked in detail (the figures chapter 12 once named).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cjmlib import course, datasets
from cjmlib.analytics import hidden_touchpoints, verify_map
from cjmlib.datasets.industry_data import INDUSTRIES_DIR, load_industry
from cjmlib.datasets.review import apply_review, decisions_markdown, findings_markdown
from cjmlib.errors import CJMError
from cjmlib.model import Verification

LATER = "2026-h2"
INDUSTRIES = list(datasets.industries())


def data(period: str | None = None, industry: str = "einzelhandel") -> dict[str, object]:
    return {
        kind: datasets.load(industry, kind, period=period)
        for kind in ("events", "survey", "feedback")
    }


def test_the_later_period_is_shipped_and_loads():
    assert datasets.periods("einzelhandel") == {LATER: "August 2026 bis Januar 2027"}
    events = datasets.load("einzelhandel", "events", period=LATER)
    assert events["timestamp"].min().date().isoformat() >= "2026-08-01"
    assert events["timestamp"].max().date().isoformat() <= "2027-01-31"
    assert events["customer_id"].str.fullmatch(r"H\d{6}").all()
    first = datasets.load("einzelhandel", "events")
    assert list(events.columns) == list(first.columns)
    for kind in ("customers", "survey", "feedback"):
        assert len(datasets.load("einzelhandel", kind, period=LATER)) > 0
    # the map is the same in every period
    assert datasets.load("einzelhandel", "workbook", period=LATER) == datasets.load(
        "einzelhandel", "workbook"
    )
    with pytest.raises(CJMError, match=re.escape("Die Datenperiode „2030“ gibt es")) as info:
        datasets.load("einzelhandel", "events", period="2030")
    assert info.value.allowed == LATER


def test_re_verifying_on_the_later_period_refutes_and_stales_claims():
    p = datasets.load("einzelhandel", "workbook")
    assert len(p.evidence_rules) == 6
    first = verify_map(p, **data(), title="Export Juli 2026", today="2026-08-05")
    assert {r.status for r in first.results} == {"bestätigt"}
    p = p.model_copy(update={"verifications": [first]})
    later = verify_map(p, **data(LATER), title="Export Januar 2027", today="2027-02-05")
    got = {r.rule_id: (r.status, r.reason) for r in later.results}
    assert got == {
        "rule-checkout-mobil": ("widerlegt", "fails"),  # express checkout: ~6 % drop off
        "rule-suche-ohne-treffer": ("bestätigt", "holds"),
        "rule-bestand-reservierung": ("bestätigt", "holds"),
        "rule-hotline-warten": ("widerlegt", "fails"),  # the callback ends the frustration
        "rule-kasse-warten": ("bestätigt", "holds"),
        "rule-fachberatung": ("veraltet", "drift"),  # still good, no longer enthusiastic
    }
    beratung = later.result("rule-fachberatung")
    assert beratung is not None and beratung.value is not None and beratung.baseline is not None
    assert beratung.value >= 30 and beratung.baseline - beratung.value > 10


def test_the_later_period_shows_touchpoints_the_map_lacks():
    p = datasets.load("einzelhandel", "workbook")
    first = hidden_touchpoints(datasets.load("einzelhandel", "events"), p)
    assert (first["finding"] == "data_only").sum() == 0
    later = hidden_touchpoints(datasets.load("einzelhandel", "events", period=LATER), p)
    found = later[later["finding"] == "data_only"]
    assert set(found["name"]) == {
        "Beratung per WhatsApp",
        "Messenger",
        "Abholung an der Paketstation",
        "Paketstation",
    }
    assert found["customers"].min() > 100


def test_a_period_file_naming_a_missing_touchpoint_is_explained(tmp_path: Path):
    root = tmp_path / "industries"
    shutil.copytree(INDUSTRIES_DIR / "einzelhandel", root / "einzelhandel")
    path = root / "einzelhandel" / "periods" / f"{LATER}.yaml"
    text = path.read_text(encoding="utf-8").replace("tp-filiale-beratung: 1", "tp-gibtsnicht: 1")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CJMError) as info:
        load_industry("einzelhandel", root)
    assert "tp-gibtsnicht" in info.value.message and f"{LATER}.yaml" in info.value.message
    (root / "einzelhandel" / "periods" / "notiz.txt").write_text("x", encoding="utf-8")
    path.write_text(text.replace("tp-gibtsnicht", "tp-filiale-beratung"), encoding="utf-8")
    with pytest.raises(CJMError, match=re.escape("notiz.txt")):
        load_industry("einzelhandel", root)


def test_the_review_table_lists_refuted_then_stale_claims_in_german():
    """What chapter 12 shows: the claims to revisit first, as a German table."""
    from cjmlib.analytics import revisit_table

    p = datasets.load("einzelhandel", "workbook")
    first = verify_map(p, **data(), title="Export Juli 2026", today="2026-08-05")
    p = p.model_copy(update={"verifications": [first]})
    later = verify_map(p, **data(LATER), title="Export Januar 2027", today="2027-02-05")
    p = p.model_copy(update={"verifications": [first, later]})
    table = revisit_table(p, "Export Januar 2027")
    assert list(table.columns) == ["Status", "Art", "Aussage", "Phase", "Begründung", "Was tun"]
    top = table.head(3)
    assert top["Status"].tolist() == ["widerlegt", "widerlegt", "veraltet"]
    assert set(top["Aussage"]) == {
        "Checkout auf dem Smartphone bricht ab",
        "Wartezeit in der Hotline",
        "Fachberatung in der Filiale",
    }
    stale = top[top["Status"] == "veraltet"].iloc[0]
    assert "Toleranz" in stale["Begründung"] and stale["Was tun"].startswith("Die Aussage")
    assert table.attrs["explanation"].startswith("Export Januar 2027")
    # only claims with a rule unless asked: the map's other claims stay in the report
    assert set(table["Status"]) <= {"widerlegt", "veraltet", "bestätigt"}
    everything = revisit_table(p, later, with_unruled=True)
    assert "ohne Beleg" in set(everything["Status"]) and len(everything) > len(table)


# -- every industry: the review of chapter 12 ------------------------------------------------


def verified(industry: str) -> tuple[object, Verification, Verification]:
    """The industry's map verified on the first period (July) and on the later one."""
    p = datasets.load(industry, "workbook")
    first = verify_map(p, **data(None, industry), title="Export Juli 2026", today="2026-08-05")
    p = p.model_copy(update={"verifications": [first]})
    later = verify_map(p, **data(LATER, industry), title="Export Januar 2027", today="2027-02-05")
    return p.model_copy(update={"verifications": [first, later]}), first, later


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_industry_has_a_later_period_of_the_same_shape(industry):
    assert datasets.periods(industry) == {LATER: "August 2026 bis Januar 2027"}
    assert course.my_case(industry, note=False).period == LATER
    events = datasets.load(industry, "events", period=LATER)
    first = datasets.load(industry, "events")
    assert list(events.columns) == list(first.columns)
    assert events["timestamp"].min() >= pd.Timestamp("2026-08-01")
    assert events["timestamp"].max() < pd.Timestamp("2027-02-01")
    # other customers than in the first period
    assert not set(events["customer_id"]) & set(first["customer_id"])
    for kind in ("customers", "survey", "feedback"):
        assert len(datasets.load(industry, kind, period=LATER)) > 0


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_review_finds_what_the_period_tells(industry):
    """July: every claim holds. January: the findings' statuses, every other rule holds."""
    p, first, later = verified(industry)
    review = load_industry(industry).periods[LATER].review
    assert len(p.evidence_rules) >= 4
    assert {r.status for r in first.results} == {"bestätigt"}
    told = {f.rule: f.status for f in review.findings}
    got = {r.rule_id: r.status for r in later.results}
    assert {rule: got[rule] for rule in told} == told
    assert {s for rule, s in got.items() if rule not in told} == {"bestätigt"}
    # the story has a claim that no longer holds and a moment of truth that drifts
    assert "widerlegt" in told.values() and "veraltet" in told.values()
    text = findings_markdown(p, later, review)
    assert "{" not in text and text.count("\n- **") == len(review.findings) - 1
    for finding in review.findings:
        assert f"– {finding.status}.**" in text


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_later_data_show_the_touchpoints_the_map_lacks(industry):
    p = datasets.load(industry, "workbook")
    first = hidden_touchpoints(datasets.load(industry, "events"), p)
    assert (first["finding"] == "data_only").sum() == 0
    later = hidden_touchpoints(datasets.load(industry, "events", period=LATER), p)
    found = later[later["finding"] == "data_only"]
    unmapped = load_industry(industry).periods[LATER].unmapped
    names = {u.name for u in unmapped.values()}
    assert names <= set(found["name"])
    assert found[found["name"].isin(names)]["customers"].min() > 100


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_decisions_leave_nothing_refuted(industry, tmp_path: Path):
    """Chapter 12 applies the decisions to a copy and verifies a third time."""
    wb = datasets.open_workbook(industry, tmp_path / "karte.cjm.json")
    review = course.my_case(industry, note=False).review
    for title, (events, survey, feedback), today in [
        ("Export Juli 2026", data(None, industry).values(), "2026-08-05"),
        ("Export Januar 2027", data(LATER, industry).values(), "2027-02-05"),
    ]:
        verify_map(wb, events=events, survey=survey, feedback=feedback, title=title, today=today)
    revision = wb.revision
    calls = apply_review(wb, review)
    assert wb.revision == revision + 1  # one save for all changes
    assert list(calls.columns) == ["Beschluss", "Bereich", "Eintrag", "Änderung"]
    assert len(calls) == sum(len(d.changes) for d in review.decisions)
    # what the trainee reads: names and German labels, never an internal id
    shown = " ".join(calls.astype(str).to_numpy().ravel())
    assert not re.search(r"\b(tp|pp|sol|rule|act)-[a-z]", shown), shown
    assert "neu angelegt" in set(calls["Änderung"])
    unmapped = load_industry(industry).periods[LATER].unmapped
    assert set(unmapped) <= {tp.id for tp in wb.project.touchpoints}
    after = verify_map(
        wb, **data(LATER, industry), title="Januar 2027 nach dem Review", today="2027-02-05"
    )
    statuses = {r.rule_id: r.status for r in after.results}
    stale = {f.rule for f in review.findings if f.status == "veraltet"}
    assert "widerlegt" not in statuses.values()
    assert {rule for rule, s in statuses.items() if s == "veraltet"} == stale
    assert decisions_markdown(review).startswith("1. ")


def test_a_review_naming_a_missing_rule_or_entry_is_explained(tmp_path: Path):
    root = tmp_path / "industries"
    shutil.copytree(INDUSTRIES_DIR / "bank", root / "bank")
    path = root / "bank" / "periods" / f"{LATER}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("- rule: rule-chat-antrag", "- rule: rule-gibtsnicht")
    text = text.replace("id: pp-videoident-abbruch", "id: pp-gibtsnicht")
    text = text.replace("collection: actions", "collection: aktionen")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CJMError) as info:
        load_industry("bank", root)
    message = info.value.message
    for wrong in ("rule-gibtsnicht", "pp-gibtsnicht", "aktionen"):
        assert wrong in message
    assert "rule-videoident-abbruch" in message  # the rules it could name
    assert "evidence_rules" in message  # the collections it could name


def test_the_later_periods_stay_small():
    """The package ships every period: none is larger than the running case's."""
    sizes = {
        key: sum(p.stat().st_size for p in datasets.DATA_DIR.glob(f"{key}_{LATER}_*.parquet"))
        for key in INDUSTRIES
    }
    assert all(0 < size <= sizes["einzelhandel"] for size in sizes.values()), sizes


@pytest.mark.parametrize("industry", [k for k in INDUSTRIES if k != datasets.RUNNING_CASE])
def test_the_review_checks_the_promise_of_the_to_be_map(industry):
    """Chapter 12's to-be map implements the track's solution and adds its new touchpoint;
    half a year later the review finds both in the data (the running case's period was
    written before the tracks and tells another story)."""
    case = course.my_case(industry, note=False)
    period = load_industry(industry).periods[LATER]
    changes = [c for d in period.review.decisions for c in d.changes]
    done = {
        c.id for c in changes if c.collection == "solutions" and c.fields == {"status": "Umgesetzt"}
    }
    assert done == {case.track.review_solution}
    added = {c.fields.get("name") for c in changes if c.collection == "touchpoints" and not c.id}
    assert case.track.new_touchpoint["name"] in added
    assert case.track.new_touchpoint["name"] in {u.name for u in period.unmapped.values()}
