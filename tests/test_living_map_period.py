"""The later data period of the running case: shipped, loadable, and designed for the review.

Chapter 12 verifies the map's evidence rules on the first period and then on the export
"August 2026 bis Januar 2027". The period is designed so that, with the evidence rules of
the running case (``industries/einzelhandel/evidence_rules.yaml``, built in chapters 7 and
10), claims turn *widerlegt* and *veraltet*, and the data show touchpoints the map lacks.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cjmlib import datasets
from cjmlib.analytics import hidden_touchpoints, verify_map
from cjmlib.datasets.industry_data import INDUSTRIES_DIR, load_industry
from cjmlib.errors import CJMError

LATER = "2026-h2"


def data(period: str | None = None) -> dict[str, object]:
    return {
        kind: datasets.load("einzelhandel", kind, period=period)
        for kind in ("events", "survey", "feedback")
    }


def test_the_later_period_is_shipped_and_loads():
    assert datasets.periods("einzelhandel") == {LATER: "August 2026 bis Januar 2027"}
    assert all(datasets.periods(key) == {} for key in datasets.INDUSTRIES if key != "einzelhandel")
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
