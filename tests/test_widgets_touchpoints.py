"""Does the touchpoint inventory edit, filter, page, mark and import through the workbook?"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from cjmlib.model import CHANNELS
from cjmlib.widgets import TouchpointInventory
from cjmlib.workbook import Workbook

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def wb(tmp_path):
    return Workbook.open(tmp_path / "projekt.cjm.json")


def _many(wb, n):
    ids = wb.phase_model.ids
    wb.touchpoints.add_many(
        [
            {
                "name": f"TP {i:03d}",
                "phase": ids[i % len(ids)],
                "channel": CHANNELS[i % 4],
                "online": i % 3 != 0,
                "relevance": 1 + i % 5,
            }
            for i in range(n)
        ]
    )


def _upload(inv, name, data):
    inv.upload.value = (
        {
            "name": name,
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime.now(dt.UTC),
        },
    )


def test_add_edit_and_delete_a_touchpoint(wb):
    inv = TouchpointInventory(wb)
    inv.form["name"].value = "Produktseite"
    inv.form["phase"].value = "ueberlegung"
    inv.form["channel"].value = "Online-Shop"
    inv.form["relevance"].value = 5
    inv.save_button.click()
    assert inv.error == ""
    tp = Workbook.open(wb.path).touchpoints["Produktseite"]
    assert (tp.phase, tp.channel, tp.relevance) == ("ueberlegung", "Online-Shop", 5)
    assert "Produktseite" in inv.table.value

    inv.form["emotion"].value = -1
    inv.save_button.click()
    assert Workbook.open(wb.path).touchpoints["Produktseite"].emotion == -1

    inv.delete_button.click()
    inv.delete.yes_button.click()
    assert len(Workbook.open(wb.path).touchpoints) == 0


def test_relevance_out_of_range_from_code_is_refused_and_nothing_changes(wb):
    wb.touchpoints.add(name="Hotline", phase="kauf", channel="Hotline", relevance=3)
    before = wb.path.read_bytes()
    inv = TouchpointInventory(wb)
    inv.select("Hotline")
    inv.form["relevance"].value = 7
    inv.save_button.click()
    assert inv.form["relevance"].value == 7
    assert "„7“ passt hier nicht" in inv.form.errors["relevance"].value
    assert "1 bis 5" in inv.form.errors["relevance"].value
    assert wb.path.read_bytes() == before


def test_phase_is_required(wb):
    inv = TouchpointInventory(wb)
    inv.form["name"].value = "Flyer"
    inv.form["channel"].value = "Print"
    inv.save_button.click()
    assert "darf nicht leer sein" in inv.form.errors["phase"].value
    assert inv.form["name"].value == "Flyer"
    assert len(Workbook.open(wb.path).touchpoints) == 0


def test_filters_sort_and_paging_with_many_touchpoints(wb):
    _many(wb, 120)
    inv = TouchpointInventory(wb, page_size=25)
    assert inv.page_count == 5
    assert inv.table.value.count("<tr>") + inv.table.value.count("<tr class") == 26  # head + 25
    assert "Seite 1 von 5" in inv.page_label.value
    inv.next_button.click()
    assert inv.page == 1 and "Seite 2 von 5" in inv.page_label.value

    inv.phase_filter.value = "kauf"
    assert inv.page == 0
    assert all(tp.phase == "kauf" for tp in inv._shown) and len(inv._shown) == 24
    inv.online_filter.value = "offline"
    assert all(not tp.online for tp in inv._shown)
    inv.channel_filter.value = CHANNELS[1]
    assert all(tp.channel == CHANNELS[1] for tp in inv._shown)

    inv.phase_filter.value = inv.online_filter.value = inv.channel_filter.value = ""
    inv.sort.value = "relevance"
    rel = [tp.relevance for tp in inv._shown]
    assert rel == sorted(rel, reverse=True)
    inv.search.value = "TP 007"
    assert [tp.name for tp in inv._shown] == ["TP 007"]


def test_mark_moment_of_truth_and_hidden(wb):
    wb.touchpoints.add(name="Wartezeit Hotline", phase="nachkauf", channel="Hotline")
    inv = TouchpointInventory(wb)
    inv.select("Wartezeit Hotline")
    inv.mot_button.click()
    inv.hidden_button.click()
    tp = Workbook.open(wb.path).touchpoints["Wartezeit Hotline"]
    assert tp.moment_of_truth and tp.hidden
    assert inv.form["hidden"].value is True
    inv.hidden_button.click()
    assert not Workbook.open(wb.path).touchpoints["Wartezeit Hotline"].hidden


def test_names_show_as_text_in_table_and_dropdowns(wb):
    persona = wb.personas.add(name=EVIL)
    wb.touchpoints.add(name=EVIL, phase="kauf", channel=EVIL, persona_ids=[persona.id])
    inv = TouchpointInventory(wb)
    assert "&lt;img" in inv.table.value and "<img src=x" not in inv.table.value
    assert (EVIL, EVIL) in inv.channel_filter.options
    assert (EVIL, persona.id) in inv.form["persona_ids"].options


def test_overview_is_redrawn_after_each_edit(wb):
    _many(wb, 10)
    inv = TouchpointInventory(wb)
    assert inv.overview.chart_error == ""
    first = inv.overview.output.outputs or inv.overview.fallback.value
    inv.select("TP 000")
    inv.form["phase"].value = "nachkauf"
    inv.save_button.click()
    second = inv.overview.output.outputs or inv.overview.fallback.value
    assert first != second


def test_csv_upload_appends_touchpoints(wb):
    wb.touchpoints.add(name="Alt", phase="kauf", channel="Filiale")
    inv = TouchpointInventory(wb)
    data = "Name;Phase;Kanal;Relevanz\nNewsletter;Bewusstsein;E-Mail;4\nKasse;Kauf;Filiale;5\n"
    _upload(inv, "touchpoints.csv", data.encode("utf-8"))
    assert inv.import_status.kind == "ok", inv.import_status.message
    names = sorted(tp.name for tp in Workbook.open(wb.path).touchpoints)
    assert names == ["Alt", "Kasse", "Newsletter"]
    assert inv.upload.value == ()
    assert "Newsletter" in inv.table.value


def test_xlsx_upload_replaces_touchpoints(wb):
    wb.touchpoints.add(name="Alt", phase="kauf", channel="Filiale")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Phase", "Kanal"])
    sheet.append(["App-Start", "Nachkauf", "App"])
    buffer = io.BytesIO()
    book.save(buffer)
    inv = TouchpointInventory(wb)
    inv.import_mode.value = "replace"
    _upload(inv, "liste.xlsx", buffer.getvalue())
    assert inv.import_status.kind == "ok", inv.import_status.message
    assert [tp.name for tp in Workbook.open(wb.path).touchpoints] == ["App-Start"]


def test_bad_upload_shows_the_german_row_report_and_changes_nothing(wb):
    wb.touchpoints.add(name="Alt", phase="kauf", channel="Filiale")
    before = wb.path.read_bytes()
    inv = TouchpointInventory(wb)
    data = "Name;Phase;Kanal;Relevanz\nGut;Kauf;App;3\nSchlecht;Mondphase;App;9\n"
    _upload(inv, "fehler.csv", data.encode("utf-8"))
    assert inv.import_status.kind == "fail"
    assert "Zeile" in inv.import_status.message
    assert "nichts übernommen" in inv.import_status.message
    assert wb.path.read_bytes() == before
