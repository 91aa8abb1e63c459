"""Import of personas and touchpoints from CSV and Excel: all or nothing, German reports."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from cjmlib.errors import CJMError, ImportProblem
from cjmlib.io import import_personas, import_touchpoints, read_table, table_frame
from cjmlib.workbook import Workbook

GOOD_CSV = """Name;Phase;Kanal;Online;Relevanz;Emotion;Moment der Wahrheit;Personas;Bemerkung
Instagram-Anzeige;Bewusstsein;Social Media;ja;4;1;nein;Lena;egal
Beratung in der Filiale;Kauf;Filiale;offline;5;2;ja;;
"""

BAD_CSV = """Name;Phase;Kanal;Online;Relevanz;Emotion
Instagram-Anzeige;Bewusstsein;Social Media;ja;7;1
;Kauf;Filiale;offline;5;2
Hotline;Flug;Hotline;vielleicht;3;-5
"""


@pytest.fixture
def wb(tmp_path):
    book = Workbook.open(tmp_path / "p.cjm.json")
    book.personas.add(name="Lena", age=34)
    return book


def test_german_columns_are_mapped_and_values_converted(wb, tmp_path):
    path = tmp_path / "tp.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    result = import_touchpoints(wb, path)
    assert result.count == 2
    assert result.ignored_columns == ["Bemerkung"]
    assert "2 Touchpoints importiert" in result.message
    ad, store = wb.touchpoints
    assert ad.phase == "bewusstsein" and ad.online is True and ad.relevance == 4
    assert ad.persona_ids == [wb.personas["Lena"].id]
    assert store.online is False and store.moment_of_truth is True and store.emotion == 2
    # saved: a second kernel sees it
    assert len(Workbook.open(wb.path).touchpoints) == 2


def test_english_column_names_and_comma_separator_are_accepted(wb):
    csv = (
        b"name,phase,channel,online,relevance,emotion,hidden\n"
        b"Hotline queue,Nachkauf,Hotline,no,3,-2,yes\n"
    )
    import_touchpoints(wb, csv, filename="touchpoints.csv")
    tp = wb.touchpoints["Hotline queue"]
    assert tp.hidden is True and tp.online is False and tp.phase == "nachkauf"


def test_a_bad_file_reports_every_bad_cell_by_row_and_column_and_imports_nothing(wb, tmp_path):
    import_touchpoints(wb, GOOD_CSV.encode(), filename="gut.csv")
    before = wb.path.read_bytes()
    path = tmp_path / "schlecht.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(ImportProblem) as info:
        import_touchpoints(wb, path)
    message = str(info.value)
    assert "3 Zeile(n) sind fehlerhaft, deshalb wurde nichts übernommen" in message
    assert "Zeile 2, Spalte „Relevanz“: „7“ – erlaubt ist eine ganze Zahl von 1 bis 5" in message
    assert "Zeile 3, Spalte „Name“: „“ – erlaubt ist ein Text, der nicht leer ist" in message
    assert "Zeile 4, Spalte „Phase“: „Flug“ – erlaubt ist Bewusstsein, Überlegung" in message
    assert "Zeile 4, Spalte „Online“: „vielleicht“ ist kein Ja/Nein-Wert" in message
    assert "Zeile 4, Spalte „Emotion“: „-5“ – erlaubt ist eine ganze Zahl von -2 bis 2" in message
    assert [(r, c) for r, c, _ in info.value.details] == [
        (2, "Relevanz"),
        (3, "Name"),
        (4, "Phase"),
        (4, "Online"),
        (4, "Emotion"),
    ]
    assert wb.path.read_bytes() == before
    assert len(wb.touchpoints) == 2


def test_missing_required_columns_are_named(wb):
    with pytest.raises(ImportProblem, match="fehlen die Pflichtspalten Phase, Kanal"):
        import_touchpoints(wb, b"Name;Relevanz\nA;3\n", filename="x.csv")


def test_unknown_persona_in_a_row_is_reported(wb):
    data = b'Name;Phase;Kanal;Personas\nA;Kauf;Filiale;"Lena; Tom"\n'
    with pytest.raises(ImportProblem, match="Zeile 2, Spalte „Personas“: „Tom“"):
        import_touchpoints(wb, data, filename="x.csv")


def test_duplicate_ids_in_the_file_are_reported(wb):
    data = b"id;Name;Phase;Kanal\ntp-1;A;Kauf;Filiale\ntp-1;B;Kauf;Filiale\n"
    with pytest.raises(ImportProblem, match="Zeile 3, Spalte „id“: „tp-1“ steht mehrfach"):
        import_touchpoints(wb, data, filename="x.csv")


def test_excel_import_and_replace_mode(wb, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Alter", "Geschlecht", "Bevorzugte Kanäle", "Zielgruppe"])
    sheet.append(["Jonas", 41, "männlich", "App; Filiale", ""])
    sheet.append(["Aylin", 29, "weiblich", "Instagram", ""])
    path = tmp_path / "personas.xlsx"
    book.save(path)
    result = import_personas(wb, path, mode="replace")
    assert result.count == 2
    assert [p.name for p in wb.personas] == ["Jonas", "Aylin"]
    assert wb.personas["Jonas"].channels == ["App", "Filiale"]
    assert wb.personas["Jonas"].age == 41


def test_wrong_gender_in_excel_names_the_choices(wb, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Name", "Geschlecht"])
    book.active.append(["Jonas", "m"])
    path = tmp_path / "p.xlsx"
    book.save(path)
    with pytest.raises(ImportProblem, match="weiblich, männlich, divers, keine Angabe"):
        import_personas(wb, path)
    assert [p.name for p in wb.personas] == ["Lena"]


@pytest.mark.parametrize(
    ("name", "data", "wording"),
    [
        ("notizen.pdf", b"%PDF", "hat die Endung „.pdf“"),
        ("leer.csv", b"Name;Phase;Kanal\n", "enthält keine Datenzeilen"),
        ("kaputt.xlsx", b"not a zip file", "lässt sich nicht lesen"),
    ],
)
def test_unreadable_files_give_a_german_message(wb, name, data, wording):
    with pytest.raises(CJMError, match=wording):
        import_touchpoints(wb, data, filename=name)
    assert len(wb.touchpoints) == 0


def test_missing_file_is_named(wb, tmp_path):
    with pytest.raises(CJMError, match="gibt es nicht"):
        read_table(tmp_path / "fehlt.csv")


def test_windows_encoded_csv_keeps_umlauts(wb):
    data = "Name;Phase;Kanal\nBeratung für Männer;Überlegung;Filiale\n".encode("cp1252")
    import_touchpoints(wb, data, filename="alt.csv")
    assert wb.touchpoints[0].name == "Beratung für Männer"
    assert wb.touchpoints[0].phase == "ueberlegung"


def test_table_frame_round_trips_through_import(wb, tmp_path):
    import_touchpoints(wb, GOOD_CSV.encode(), filename="gut.csv")
    frame = table_frame(wb.project, "touchpoints")
    assert list(frame.columns)[:4] == ["Kennung", "Name", "Phase", "Kanal"]
    assert frame.loc[0, "Phase"] == "Bewusstsein" and frame.loc[0, "Personas"] == "Lena"
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", index=False)
    other = Workbook.open(tmp_path / "zweites.cjm.json")
    other.personas.add(wb.personas["Lena"])
    import_touchpoints(other, buffer.getvalue().encode(), filename="export.csv")
    assert [t.model_dump() for t in other.touchpoints] == [t.model_dump() for t in wb.touchpoints]


# -- encodings, sep= lines and German messages (issue 15, items 6 and 7) ------------------------

MAC_CSV = "Name;Wohnort\nJürgen Müller;Köln\nGrete Öztürk;Gießen\n"


def test_mac_roman_csv_imports_with_umlauts(wb):
    result = import_personas(wb, MAC_CSV.encode("mac_roman"), filename="mac.csv")
    assert [p.name for p in wb.personas][1:] == ["Jürgen Müller", "Grete Öztürk"]
    assert result.encoding == "mac_roman" and result.encoding_certain


def test_excel_unicode_text_is_utf16_with_tabs(wb):
    text = "Name\tPhase\tKanal\r\nBeratung für Senioren\tÜberlegung\tFiliale\r\n"
    data = text.encode("utf-16")  # what Excel's "Unicode-Text (*.txt)" writes: BOM + LE
    result = import_touchpoints(wb, data, filename="Unicode-Text.txt")
    assert result.count == 1
    assert wb.touchpoints[0].name == "Beratung für Senioren"
    assert wb.touchpoints[0].phase == "ueberlegung"


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_a_sep_line_is_accepted(wb, sep):
    data = f"sep={sep}\nName{sep}Phase{sep}Kanal\nKasse{sep}Kauf{sep}Filiale\n".encode()
    import_touchpoints(wb, data, filename="mit_sep.csv")
    assert [t.name for t in wb.touchpoints] == ["Kasse"]


def test_a_guessed_encoding_is_named_in_the_message(wb):
    data = "Name;Ort\nRené;Café\n".encode("cp1252")  # é alone: Windows-1252 or Mac Roman?
    result = import_personas(wb, data, filename="geraten.csv")
    assert not result.encoding_certain
    assert "Windows-1252" in result.message and "geraten" in result.message
    assert 'encoding="mac_roman"' in result.message
    assert wb.personas["René"].location == "Café"


def test_an_encoding_can_be_given(wb):
    data = "Name;Ort\nRené;Café\n".encode("mac_roman")
    import_personas(wb, data, filename="mac.csv", encoding="mac_roman")
    assert wb.personas["René"].location == "Café"


def test_rows_with_too_many_cells_are_named_in_german(wb):
    data = b"Name;Phase;Kanal\nKasse;Kauf;Filiale\nApp;Kauf;App;zu viel\n"
    with pytest.raises(ImportProblem) as info:
        import_touchpoints(wb, data, filename="schief.csv")
    message = str(info.value)
    assert "Zeile 3" in message and "4 Felder" in message and "3" in message
    for english in ("Error", "Expected", "tokeniz", "saw"):
        assert english not in message
    assert len(wb.touchpoints) == 0


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04kaputt", b"", b"\x00" * 100, b"PK\x05\x06" + b"\x00" * 18],
)
def test_broken_excel_files_are_german(wb, data):
    with pytest.raises(CJMError) as info:
        import_touchpoints(wb, data, filename="kaputt.xlsx")
    message = str(info.value)
    assert "Excel" in message
    for english in ("zip", "File is not", "Error", "archive", "KeyError", "There is no"):
        assert english not in message


def test_row_numbers_count_blank_rows_as_a_spreadsheet_shows_them(wb):
    data = b"Name;Phase;Kanal\n\nKasse;Flug;Filiale\n"
    with pytest.raises(ImportProblem, match="Zeile 3, Spalte „Phase“"):
        import_touchpoints(wb, data, filename="luecke.csv")


def test_a_quoted_list_item_keeps_its_separator(wb):
    wb.personas.add(name="Lena; Tom")
    data = b'Name;Phase;Kanal;Personas\nKasse;Kauf;Filiale;"""Lena; Tom""; Lena"\n'
    import_touchpoints(wb, data, filename="liste.csv")
    names = {p.id: p.name for p in wb.personas}
    assert [names[i] for i in wb.touchpoints[0].persona_ids] == ["Lena; Tom", "Lena"]


def test_two_personas_with_one_name_are_not_guessed(wb):
    # ``add`` replaces an entry of the same name (re-running a cell is safe), so twins
    # come only from older or hand-edited workbooks: write one.
    path = wb.path
    doc = json.loads(path.read_text(encoding="utf-8"))
    twin = {**doc["project"]["personas"][0], "id": "persona-zwilling", "name": "lena"}
    doc["project"]["personas"].append(twin)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    wb = Workbook.open(path)
    assert [p.name for p in wb.project.personas] == ["Lena", "lena"]
    data = b"Name;Phase;Kanal;Personas\nKasse;Kauf;Filiale;Lena\n"
    with pytest.raises(ImportProblem, match="mehrere"):
        import_touchpoints(wb, data, filename="zweimal.csv")
