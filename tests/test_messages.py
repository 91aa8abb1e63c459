"""The message catalogue: German first, an English edition with the same keys and placeholders,
correct umlauts, and the trainee addressed as "du"."""

from __future__ import annotations

import json
import re
import string
import sys
import tomllib
from pathlib import Path

import pytest

import cjmlib.messages as messages
from cjmlib.errors import CJMError, WorkbookError
from cjmlib.messages import get_language, set_language, t
from cjmlib.model import Touchpoint, field_label
from cjmlib.workbook import Workbook

CATALOGUE = Path(messages.__file__).parent
DE_FILES = sorted(p.name for p in (CATALOGUE / "de").glob("*.toml"))
EN_FILES = sorted(p.name for p in (CATALOGUE / "en").glob("*.toml"))


@pytest.fixture(autouse=True)
def german():
    """Always leave the catalogue in German, whatever a test switched to."""
    set_language("de")
    yield
    set_language("de")


def load(language: str, name: str) -> dict[str, str]:
    with open(CATALOGUE / language / name, "rb") as fh:
        return messages._flatten(tomllib.load(fh))


def placeholders(text: str) -> set[tuple[str, str | None]]:
    """The {name!conversion} fields of a format string ({{ and }} are literal braces)."""
    return {
        (name, conversion)
        for _, name, _, conversion in string.Formatter().parse(text)
        if name is not None
    }


# -- switching language -------------------------------------------------------------------


def test_german_is_the_default():
    assert get_language() == "de"
    assert t("diff.added") == "hinzugefügt"


def test_switching_to_english_changes_model_errors_and_back():
    set_language("en")
    assert get_language() == "en"
    with pytest.raises(
        CJMError,
        match=re.escape(
            "Touchpoint: The field “Relevance” (`relevance`) has the value 7, "
            "but it must be a whole number from 1 to 5. Correct the value and run the cell again."
        ),
    ) as info:
        Touchpoint(name="Kasse", phase="Kauf", channel="Filiale", relevance=7)
    assert info.value.allowed == "a whole number from 1 to 5"
    assert field_label(Touchpoint, "moment_of_truth") == "Moment of truth"
    set_language("de")
    with pytest.raises(
        CJMError,
        match=re.escape(
            "Touchpoint: Das Feld „Relevanz“ (`relevance`) hat den Wert 7. "
            "Erlaubt ist eine ganze Zahl von 1 bis 5."
        ),
    ):
        Touchpoint(name="Kasse", phase="Kauf", channel="Filiale", relevance=7)


def test_english_workbook_errors(tmp_path):
    path = tmp_path / "kaputt.cjm.json"
    path.write_text("{", encoding="utf-8")
    set_language("en")
    with pytest.raises(
        WorkbookError, match=re.escape(f"The workbook “{path}” is damaged: Line 1, column 2: ")
    ) as info:
        Workbook.open(path)
    assert str(info.value).endswith(
        "There is no earlier version. Open the file in a text editor and fix the error, or "
        "create a new workbook under a new file name."
    )


def test_unknown_language_is_refused_and_nothing_changes():
    with pytest.raises(
        CJMError, match=re.escape("Die Sprache 'fr' gibt es nicht. Möglich sind: de, en.")
    ) as info:
        set_language("fr")
    assert (info.value.field, info.value.value, info.value.allowed) == ("language", "fr", "de, en")
    assert get_language() == "de"


def test_unknown_language_message_in_english():
    set_language("en")
    with pytest.raises(
        CJMError, match=re.escape("There is no language 'DE'. Available languages: de, en.")
    ):
        set_language("DE")
    assert get_language() == "en"


def test_missing_english_text_falls_back_to_german(monkeypatch):
    real = messages.catalogue
    monkeypatch.setattr(messages, "catalogue", lambda lang: {} if lang == "en" else real(lang))
    set_language("en")
    assert t("diff.changed") == "geändert"


def test_unknown_key_is_a_programming_error():
    with pytest.raises(KeyError):
        t("gibt.es.nicht")


def test_parameters_are_filled_in():
    assert t("diff.summary", added=1, changed=2, removed=3) == (
        "1 hinzugefügt, 2 geändert, 3 entfernt"
    )


# -- the two editions agree -----------------------------------------------------------------


def test_every_area_has_both_editions():
    assert "core.toml" in DE_FILES
    assert DE_FILES == EN_FILES


@pytest.mark.parametrize("name", DE_FILES)
def test_same_keys_and_placeholders(name):
    if name not in EN_FILES:
        pytest.fail(f"en/{name} is missing")
    de, en = load("de", name), load("en", name)
    assert sorted(set(de) - set(en)) == [], f"keys missing in en/{name}"
    assert sorted(set(en) - set(de)) == [], f"keys only in en/{name}"
    wrong = {
        key: (placeholders(de[key]), placeholders(en[key]))
        for key in de
        if placeholders(de[key]) != placeholders(en[key])
    }
    assert wrong == {}


@pytest.mark.parametrize("name", DE_FILES)
def test_english_texts_are_translated(name):
    if name not in EN_FILES:
        pytest.skip(f"en/{name} is missing (reported by test_same_keys_and_placeholders)")
    de, en = load("de", name), load("en", name)
    same = [key for key, text in de.items() if en.get(key) == text and len(text.split()) >= 4]
    assert same == [], "these English texts are still German"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_core_message_can_be_filled(language):
    # t() formats only when it gets parameters, so a text used without any may hold
    # literal braces; the core messages are all meant to be filled.
    for key, text in load(language, "core.toml").items():
        assert isinstance(text, str) and text.strip(), key
        values = {re.split(r"[.\[]", name)[0]: "x" for name, _ in placeholders(text)}
        filled = text.format(**values)  # raises on a broken placeholder
        assert "{" not in filled.replace('{"', "").replace("{'", ""), key


def test_no_key_is_defined_in_two_files():
    for language in ("de", "en"):
        seen: dict[str, str] = {}
        for path in sorted((CATALOGUE / language).glob("*.toml")):
            for key in load(language, path.name):
                assert key not in seen, f"{language}: {key} in {seen.get(key)} and {path.name}"
                seen[key] = path.name


# -- German wording -------------------------------------------------------------------------

TRANSLITERATIONS = re.compile(
    r"\b(fuer|ueber\w*|\w*koenn\w*|\w*aender\w*|\w*gueltig\w*|groess\w*|\w*moeglich\w*"
    r"|hinzugefuegt|schluessel\w*|waehl\w*|\w*pruef\w*|\w*fuehr\w*|ergaenz\w*|\w*loes\w*"
    r"|massnahme\w*|strasse|muess\w*|wuerd\w*|zurueck\w*|oeffn\w*|spaeter\w*|naechst\w*"
    r"|beduerfnis\w*|haeufig\w*|\w*zaehl\w*|faellig\w*|aehnlich\w*|erklaer\w*|waehrend"
    r"|duerf\w*|persoenlich\w*|ungueltig\w*|uebersicht\w*|gefaell\w*"
    r"|koennt\w*|hoer\w*|gehoer\w*|schoen\w*|gruen\w*|natuerlich|frueh\w*|wuensch\w*)\b",
    re.IGNORECASE,
)
CODE = re.compile(r"`[^`]*`")


def german_texts() -> list[tuple[str, str]]:
    return [(key, CODE.sub("", text)) for key, text in messages.catalogue("de").items()]


def test_transliteration_check_catches_ascii_umlauts():
    samples = [
        "Das ist fuer dich",
        "Groesse",
        "Aenderung gespeichert",
        "nicht gueltig",
        "Waehle eine Phase",
        "Pruefe den Wert",
        "Massnahmen",
        "moeglich",
    ]
    assert all(TRANSLITERATIONS.search(s) for s in samples)
    clean = [
        "Das ist für dich",
        "Größe",
        "Änderung",
        "gültig",
        "Wähle",
        "neue Queue",
        "Maßnahmen",
        "aktuell",
        "Steuer",
    ]
    assert not any(TRANSLITERATIONS.search(s) for s in clean)


def test_german_messages_use_real_umlauts():
    bad = {
        key: TRANSLITERATIONS.findall(text)
        for key, text in german_texts()
        if TRANSLITERATIONS.search(text)
    }
    assert bad == {}


def test_core_messages_contain_umlauts_and_german_quotes():
    core = load("de", "core.toml")
    joined = " ".join(core.values())
    for char in "äöüÄÖÜß„“":
        assert char in joined


POLITE_ANYWHERE = re.compile(r"\b(Ihnen|Ihrer|Ihrem|Ihren|Ihres)\b")
# "Sie"/"Ihr"/"Ihre" inside a sentence is the polite address; at the start of a sentence
# it usually means "she/they/their" ("Personas sind fiktiv. Sie stehen für ...").
POLITE_MID_SENTENCE = re.compile(r"(?<![.!?:„(\n])\s+(Sie|Ihr|Ihre)\b")
POLITE_AT_START = re.compile(r"\s*Ihre?\b")


def is_polite(text: str) -> bool:
    return bool(
        POLITE_ANYWHERE.search(text)
        or POLITE_MID_SENTENCE.search(text)
        or POLITE_AT_START.match(text)
    )


def test_polite_address_check_catches_sie():
    for sample in [
        "Bitte prüfen Sie den Wert.",
        "Ihre Datei ist kaputt",
        "Wir helfen Ihnen.",
        "Das ist Ihr Projekt.",
        "Geben Sie einen Namen ein.",
    ]:
        assert is_polite(sample), sample
    for sample in [
        "Personas sind fiktiv. Sie stehen für eine Gruppe.",
        "Stelle sie wieder her.",
        "Prüfe deine Eingabe.",
        "Sie zeigt, wo Kunden abbrechen.",
    ]:
        assert not is_polite(sample), sample


def test_trainee_is_addressed_with_du():
    polite = {key: text for key, text in german_texts() if is_polite(text)}
    assert polite == {}
    core = " ".join(load("de", "core.toml").values())
    assert re.search(r"\b(deine[mnrs]?|Deine[mnrs]?|du)\b", core)
    assert "Korrigiere den Wert" in core  # imperatives in the du form


def test_counts_take_singular_or_plural():
    """ "in 1 Zeilen" and "1 Reviews" read wrong: a count picks the word's number."""
    assert t("analytics.privacy.suppressed", rows=1, k=5).startswith(
        "Für die Weitergabe wurden in 1 Zeile Werte"
    )
    assert "in 3 Zeilen" in t("analytics.privacy.suppressed", rows=3, k=5)
    assert "in 1.234 Zeilen" in t("analytics.privacy.suppressed", rows="1.234", k=5)


def test_progress_counts_entries_in_singular_and_plural(tmp_path):
    from cjmlib.widgets import ProgressOverview

    wb = Workbook.open(tmp_path / "p.cjm.json")
    wb.reviews.add(title="Erstes Review")
    wb.personas.add(name="Lena")
    wb.personas.add(name="Jonas")
    rows = {row[0]: row[4] for row in ProgressOverview(wb).rows()}
    assert rows["12"] == "1 Review" and rows["02"] == "2 Personas"
    assert rows["03"] == "0 Bedürfnisse"


@pytest.mark.parametrize(
    ("p", "text"), [("0,0000", "p < 0,001"), (0.0004, "p < 0,001"), ("0,2790", "p = 0,279")]
)
def test_p_values_never_read_zero(p, text):
    """An A/B test explanation says "p < 0,001", never "p = 0,0000"."""
    message = t("analytics.ab.significant", p=p, alpha="0,05", b="B", a="A", direction="besser")
    assert text in message and "0,0000" not in message


# -- the compiled catalogue (read instead of the TOML files when it is up to date) ----------


def _fresh_catalogue(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setattr(messages, "COMPILED", folder)
    messages.catalogue.cache_clear()


@pytest.fixture
def clean_cache():
    messages.catalogue.cache_clear()
    yield
    messages.catalogue.cache_clear()


def test_compiled_catalogue_holds_exactly_the_toml_texts_and_spares_the_parsing(
    tmp_path, monkeypatch, clean_cache
):
    expected = {lang: messages.parse_catalogue(lang) for lang in messages.LANGUAGES}
    written = messages.compile_catalogues(tmp_path)
    assert sorted(p.name for p in written) == ["de.json", "en.json"]
    _fresh_catalogue(monkeypatch, tmp_path)
    monkeypatch.setitem(sys.modules, "tomllib", None)  # any TOML parsing now fails
    for lang in messages.LANGUAGES:
        assert messages.catalogue(lang) == expected[lang]
    assert t("diff.added") == "hinzugefügt"


def test_stale_or_broken_compiled_catalogue_is_ignored(tmp_path, monkeypatch, clean_cache):
    messages.compile_catalogues(tmp_path)
    stale = json.loads((tmp_path / "de.json").read_text(encoding="utf-8"))
    stale["messages"]["diff.added"] = "veraltet"
    stale["fingerprint"] = "0" * len(stale["fingerprint"])
    (tmp_path / "de.json").write_text(json.dumps(stale), encoding="utf-8")
    (tmp_path / "en.json").write_text("{kaputt", encoding="utf-8")
    _fresh_catalogue(monkeypatch, tmp_path)
    assert t("diff.added") == "hinzugefügt"
    assert messages.catalogue("en") == messages.parse_catalogue("en")


def test_compiled_catalogue_with_the_right_fingerprint_is_what_is_read(
    tmp_path, monkeypatch, clean_cache
):
    """The fingerprint is what decides: a compiled file with the TOML files' fingerprint is
    used as it is (so the check above cannot pass by always parsing TOML)."""
    messages.compile_catalogues(tmp_path)
    data = json.loads((tmp_path / "de.json").read_text(encoding="utf-8"))
    data["messages"]["diff.added"] = "aus der kompilierten Datei"
    (tmp_path / "de.json").write_text(json.dumps(data), encoding="utf-8")
    _fresh_catalogue(monkeypatch, tmp_path)
    assert t("diff.added") == "aus der kompilierten Datei"


def test_compile_command_writes_one_file_per_language(tmp_path):
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "cjmlib.messages", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["de.json", "en.json"]
