"""The progress panel and the capstone export button, driven from code without a browser."""

from __future__ import annotations

from pathlib import Path

from cjmlib.io import export_capstone
from cjmlib.widgets import CapstoneExport, ProgressPanel
from cjmlib.workbook import Workbook
from cjmlib.workbook.progress import checklist_size


def test_progress_panel_shows_what_is_missing_and_follows_the_workbook(tmp_path):
    wb = Workbook.open(tmp_path / "p.cjm.json")
    panel = ProgressPanel(wb, exercises=tmp_path)
    assert panel.summary.startswith("0 von 14 Kapiteln abgeschlossen")
    assert "Kapitel 01 (Zielgruppe definieren): noch 6 von 6 Punkten" in panel.missing[1]
    assert any(line.startswith("• Kapitel 13, Ist-Map und Soll-Map:") for line in panel.missing)
    assert "Dein Fortschritt" in panel.head.value
    items = {f"c{i:02d}": True for i in range(1, checklist_size("01") + 1)}
    wb.set_progress("01", checklist=items, quiz_score=1.0)
    assert panel.summary.startswith("1 von 14 Kapiteln abgeschlossen")
    assert not any(line.startswith("Kapitel 01 ") for line in panel.missing)
    wb.personas.add(name="<b>Lena</b>")
    # The persona without evidence is named in the capstone table, as text, not markup.
    assert "„&lt;b&gt;Lena&lt;/b&gt;“" in panel.tables.value
    assert "<b>Lena</b>" not in panel.tables.value


def test_export_button_needs_a_name_then_writes_the_files(tmp_path, monkeypatch):
    wb = Workbook.open(tmp_path / "w.cjm.json")
    monkeypatch.chdir(tmp_path)
    button = CapstoneExport(wb, export_capstone)
    button.button.click()
    assert button.status.kind == "fail"
    assert "fehlt dein Name" in button.status.message
    assert button.files == []
    button.name.value = "Zoë <Müller>"
    button.button.click()
    assert button.status.kind == "ok", button.status.message
    assert [Path(f).name for f in button.files] == [
        "abschlussbericht.pdf",
        "abschlussbericht.html",
        "teilnahme.pdf",
    ]
    assert all(Path(f).is_file() for f in button.files)
    shown = button.links.outputs[0]["data"]["text/markdown"]
    assert "- [abschlussbericht.pdf](abschluss/abschlussbericht.pdf)" in shown
    assert button.status.message.startswith("Gespeichert im Ordner")
    assert "Es fehlen noch 12 Teile." in button.missing_box.value
    assert not button.button.disabled
