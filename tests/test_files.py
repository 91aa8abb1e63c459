"""Reading text tables as people save them: encodings, ``sep=`` lines, separators, OS errors."""

from __future__ import annotations

import codecs
import errno
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmlib.errors import CJMError
from cjmlib.files import decode_text, os_error, read_text_file, sniff_separator, sniff_text

TABLE = "Name;Wohnort;Zitat\nJürgen Müller;Köln;„Schnell muss es gehen“\nGrete Öztürk;Gießen;Süß\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("cp1252", "cp1252"),
        ("mac_roman", "mac_roman"),
    ],
)
def test_every_spreadsheet_encoding_reads_back_the_same_text(encoding, expected):
    text = TABLE if encoding != "mac_roman" else TABLE.replace("„", '"').replace("“", '"')
    sniffed = sniff_text(text.encode(encoding))
    assert sniffed.text == text
    assert sniffed.encoding == expected
    assert sniffed.certain
    assert sniffed.sep == ";"


def test_mac_roman_is_not_read_as_windows_1252():
    # The defect: "Jürgen Müller" saved as Mac Roman imported as "JŸrgen MŸller".
    text, encoding, _ = decode_text("Jürgen Müller aus Köln".encode("mac_roman"))
    assert (text, encoding) == ("Jürgen Müller aus Köln", "mac_roman")


def test_undecidable_8bit_text_is_marked_as_a_guess():
    # 0xE9 is "é" in Windows-1252 and "È" in Mac Roman: both plausible, so it is a guess
    # (Windows-1252 preferred, as German Excel writes it).
    assert decode_text(b"Name;Ort\nA;Caf\xe9\n") == ("Name;Ort\nA;Café\n", "cp1252", False)
    assert decode_text(b"Name;Ort\nA;B\n")[2]


def test_an_excel_sep_line_sets_the_separator_and_is_removed():
    sniffed = sniff_text(b"sep=,\nName,Ort\nA,B\n")
    assert sniffed.sep_line and sniffed.sep == ","
    assert sniffed.text == "Name,Ort\nA,B\n"


def test_separator_inside_quotes_does_not_count():
    assert sniff_separator('Name,Notiz\nA,"x; y; z"\nB,"u; v"\n') == ","
    assert sniff_separator("Name\nA\nB\n") is None


def test_a_broken_utf8_file_with_bom_gets_a_german_message():
    raw = codecs.BOM_UTF8 + b"Name;Ort\nA;" + b"\xff\xfe\n"
    with pytest.raises(CJMError, match=r"„kunden.csv“ ist nicht durchgehend als UTF-8 gespeichert"):
        sniff_text(raw, name="kunden.csv")


def test_an_unknown_encoding_name_lists_the_known_ones():
    with pytest.raises(CJMError, match=r"„klingonisch“ kennt Python nicht.*cp1252"):
        sniff_text(b"a;b\n", encoding="klingonisch")


@pytest.mark.parametrize(
    ("number", "phrase"),
    [
        (errno.ENOENT, "Es gibt sie"),
        (errno.EACCES, "Berechtigung"),
        (errno.EROFS, "schreibgeschützt"),
        (errno.ENOSPC, "Speicherplatz ist voll"),
        (errno.EISDIR, "Ordner, keine Datei"),
        (errno.ENAMETOOLONG, "zu lang"),
        (errno.EXDEV, "Fehler Nr. 18"),
    ],
)
def test_os_errors_become_german_and_hide_the_english_text(number, phrase):
    exc = OSError(number, os.strerror(number))
    message = str(os_error(exc, "/kurs/export.csv", "write"))
    assert message.startswith("Die Datei „/kurs/export.csv“ konnte nicht gespeichert werden:")
    assert phrase in message
    assert os.strerror(number) not in message


def test_reading_a_folder_is_a_german_error(tmp_path):
    with pytest.raises(CJMError, match=r"Ordner, keine Datei"):
        read_text_file(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, ";", ","]))
def test_any_bytes_give_text_or_a_german_error(raw, sep):
    try:
        sniffed = sniff_text(raw, sep=sep)
    except CJMError as exc:
        assert "konnte" in str(exc) or "gespeichert" in str(exc)
    else:
        assert isinstance(sniffed.text, str)
        assert sniffed.sep in (None, ";", ",", "\t", "|")
