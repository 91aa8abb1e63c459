"""An evidence rule names the statement it supports by the name a trainee reads on the map.

``target="Kasse"`` (the touchpoint's name) or ``target="Kasse bricht ab"`` (the pain
point's title) is kept as the entry's id, so that everything reading rules keeps working;
ids still work for programmers. Every slip gets a German message that names the rule, the
typed value and the valid statements by name (never by internal id).
"""

from __future__ import annotations

import re

import pytest
from living_map_data import drop_rule, project

from cjmlib.errors import CJMError
from cjmlib.workbook import Workbook

ID = re.compile(r"\b(tp|pp|hyp|act|seg|per)-[a-z0-9-]+")


def csat_rule(**fields):
    base = dict(title="Kasse frustriert", claim="emotion", target="Kasse", metric="csat")
    return drop_rule(**{**base, "step_from": "", "step_to": "", **fields})


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "karte.cjm.json", template=project())


def test_a_rule_names_its_statement_by_name_and_keeps_the_id(wb):
    emotion = wb.evidence_rules.add(csat_rule(target="Kasse"))
    pain = wb.evidence_rules.add(drop_rule(target="Kasse bricht ab"))
    hyp = wb.evidence_rules.add(
        drop_rule(
            title="Gastzugang hilft", claim="hypothesis", target="Ein Gastzugang senkt Abbrüche"
        )
    )
    assert (emotion.target, pain.target, hyp.target) == ("tp-kasse", "pp-kasse", "hyp-1")
    # what the file holds, read back
    again = Workbook.open(wb.path)
    assert [r.target for r in again.evidence_rules] == ["tp-kasse", "pp-kasse", "hyp-1"]


def test_a_name_is_matched_without_case_and_outer_spaces(wb):
    assert wb.evidence_rules.add(csat_rule(target="  kasse ")).target == "tp-kasse"


def test_ids_still_work(wb):
    assert wb.evidence_rules.add(csat_rule(target="tp-kasse")).target == "tp-kasse"
    assert wb.evidence_rules.add(drop_rule(target="pp-kasse")).target == "pp-kasse"


def test_re_running_the_same_add_keeps_one_rule(wb, capsys):
    wb.evidence_rules.add(csat_rule(target="Kasse"))
    wb.evidence_rules.add(csat_rule(target="Kasse"))
    assert [r.target for r in wb.evidence_rules] == ["tp-kasse"]
    assert "„Kasse frustriert“" in capsys.readouterr().out  # the German re-run note


def test_a_typo_gets_a_suggestion_and_the_valid_names(wb):
    with pytest.raises(CJMError) as info:
        wb.evidence_rules.add(csat_rule(target="Kase"))
    text = str(info.value)
    assert text.startswith("Belegregel „Kasse frustriert“: Eine Aussage „Kase“ der Art Emotion")
    assert "Meintest du „Kasse“?" in text
    assert "Anzeige, Suche, Beratung, Warenkorb, Kasse, Hotline" in text
    assert ID.search(text) is None, text
    assert (info.value.field, info.value.value) == ("target", "Kase")
    assert len(wb.evidence_rules) == 0  # nothing was saved


def test_a_statement_of_the_wrong_kind_is_named_as_such(wb):
    with pytest.raises(CJMError) as info:
        wb.evidence_rules.add(csat_rule(target="Kasse bricht ab"))
    text = str(info.value)
    assert "„Kasse bricht ab“ ist ein Pain Point" in text
    assert "Die Regel „Kasse frustriert“ belegt aber eine Emotion" in text
    assert "Anzeige, Suche, Beratung, Warenkorb, Kasse, Hotline" in text
    assert ID.search(text) is None, text
    with pytest.raises(CJMError, match="„Warenkorb“ ist ein Touchpoint"):
        wb.evidence_rules.add(drop_rule(target="Warenkorb"))


def test_an_unknown_id_still_lists_the_ids(wb):
    # a programmer who typed an id is shown ids (the message of the living map)
    with pytest.raises(CJMError, match="Vorhanden sind: Kasse bricht ab \\(pp-kasse\\)"):
        wb.evidence_rules.add(drop_rule(target="pp-weg"))


def test_a_name_two_touchpoints_share_asks_for_the_id(tmp_path):
    from cjmlib.model import Touchpoint

    base = project()
    twin = Touchpoint(id="tp-kasse-2", name="Kasse", phase="nachkauf", channel="Filiale")
    p = base.model_copy(update={"touchpoints": [*base.touchpoints, twin]})
    wb = Workbook.open(tmp_path / "zwei.cjm.json", template=p)
    with pytest.raises(CJMError) as info:
        wb.evidence_rules.add(csat_rule(target="Kasse"))
    text = str(info.value)
    assert "„Kasse“ passt auf 2 Touchpoints" in text and "tp-kasse-2" in text
