"""Unit tests of the domain model: every constraint raises CJMError with German wording."""

from __future__ import annotations

import re

import pytest

from cjmlib.errors import CJMError
from cjmlib.messages import set_language
from cjmlib.model import (
    CHANNELS,
    COLLECTIONS,
    EVIDENCE_KINDS,
    GENDERS,
    INCOME_BANDS,
    MAX_PHASES,
    MIN_PHASES,
    PRESETS,
    Action,
    ChapterProgress,
    Evidence,
    FeedbackItem,
    Goal,
    Hypothesis,
    JourneyProject,
    Need,
    PainPoint,
    Persona,
    PhaseModel,
    Review,
    Segment,
    Solution,
    Touchpoint,
    field_label,
    model_label,
    preset,
    slugify,
)


@pytest.fixture(autouse=True)
def german():
    """Every test here reads German messages, whatever ran before."""
    set_language("de")
    yield
    set_language("de")


def exact(text: str) -> str:
    """A regex that matches ``text`` literally (for pytest.raises(match=...))."""
    return re.escape(text)


def tp(**fields):
    base = {"name": "Kasse", "phase": "Kauf", "channel": "Filiale"}
    return Touchpoint(**{**base, **fields})


# -- single-field constraints ----------------------------------------------------------------


def test_relevance_7_names_label_field_value_and_range():
    with pytest.raises(
        CJMError,
        match=exact(
            "Touchpoint: Das Feld „Relevanz“ (`relevance`) hat den Wert 7. "
            "Erlaubt ist eine ganze Zahl von 1 bis 5. "
            "Korrigiere den Wert und führe die Zelle noch einmal aus."
        ),
    ) as info:
        tp(relevance=7)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.field, err.value, err.allowed) == ("relevance", 7, "eine ganze Zahl von 1 bis 5")


@pytest.mark.parametrize("value", [3, -3, 10])
def test_emotion_outside_minus2_plus2(value):
    with pytest.raises(
        CJMError,
        match=exact(
            f"Touchpoint: Das Feld „Emotion“ (`emotion`) hat den Wert {value}. "
            "Erlaubt ist eine ganze Zahl von -2 bis 2."
        ),
    ) as info:
        tp(emotion=value)
    assert info.value.field == "emotion"
    assert info.value.value == value


@pytest.mark.parametrize("value", [-2, -1, 0, 1, 2])
def test_emotion_inside_range_is_kept(value):
    assert tp(emotion=value).emotion == value


@pytest.mark.parametrize("value", ["hoch", 2.5, None])
def test_relevance_wrong_type(value):
    with pytest.raises(CJMError, match=exact(f"(`relevance`) hat den Wert {value!r}")):
        tp(relevance=value)


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_empty_persona_name(name):
    with pytest.raises(
        CJMError,
        match=exact(
            f"Persona: Das Feld „Name“ (`name`) hat den Wert {name!r}. "
            "Erlaubt ist ein Text, der nicht leer ist."
        ),
    ) as info:
        Persona(name=name)
    assert info.value.field == "name"
    assert info.value.allowed == "ein Text, der nicht leer ist"


def test_missing_field_is_named():
    with pytest.raises(
        CJMError,
        match=exact(
            "Touchpoint: Das Feld „Kanal“ (`channel`) fehlt. Erwartet wird ein Text, der nicht "
            "leer ist. Ergänze es und führe die Zelle noch einmal aus."
        ),
    ) as info:
        Touchpoint(name="Kasse", phase="Kauf")
    assert info.value.field == "channel"
    assert info.value.value is None


def test_unknown_field_lists_the_known_ones():
    # A trainee writes the German word of the table header; the fields are English, so
    # the message names the field that carries that header.
    with pytest.raises(
        CJMError,
        match=exact(
            "Persona: Ein Feld `alter` gibt es nicht. Meintest du `age` („Alter“)? "
            "Möglich sind: id, name, quote, age,"
        ),
    ) as info:
        Persona(name="Lena", alter=34)
    assert info.value.field == "alter"
    assert "age" in info.value.allowed


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("relevanz", "`relevance` („Relevanz“)"), ("chanel", "`channel` („Kanal“)")],
)
def test_unknown_field_suggests_by_german_header_or_spelling(typed, meant):
    with pytest.raises(CJMError, match=exact(f"Meintest du {meant}?")):
        Touchpoint(name="Hotline", phase="service", **{typed: 4})


def test_unknown_field_without_a_likely_meaning_suggests_nothing():
    with pytest.raises(CJMError) as info:
        Persona(name="Lena", lieblingsfarbe="blau")
    assert "Meintest du" not in str(info.value)


def test_several_errors_are_all_reported_first_one_in_attributes():
    with pytest.raises(CJMError) as info:
        tp(relevance=7, emotion=3)
    message = str(info.value)
    assert "(`relevance`) hat den Wert 7" in message
    assert "(`emotion`) hat den Wert 3" in message
    assert info.value.field == "relevance"


LITERALS = [
    (Persona, {"name": "Lena"}, "gender", "Geschlecht", GENDERS),
    (Persona, {"name": "Lena"}, "income_band", "Einkommen (netto/Monat)", INCOME_BANDS),
    (Evidence, {}, "kind", "Art des Belegs", EVIDENCE_KINDS),
    (PainPoint, {"title": "Warten"}, "category", "Kategorie", None),
    (Solution, {"title": "Rückruf"}, "status", "Status", None),
    (Hypothesis, {"assumption": "A"}, "test_method", "Testmethode", None),
    (Hypothesis, {"assumption": "A"}, "result", "Ergebnis", None),
    (FeedbackItem, {"text": "gut"}, "source", "Quelle", None),
    (Action, {"title": "A", "owner": "B"}, "status", "Status", None),
    (Review, {"title": "R"}, "trigger", "Anlass", None),
]


@pytest.mark.parametrize(
    ("model", "base", "field", "label", "choices"),
    LITERALS,
    ids=[f"{m.__name__}.{f}" for m, _, f, _, _ in LITERALS],
)
def test_literal_choices_are_listed(model, base, field, label, choices):
    if choices is None:
        choices = model.model_fields[field].annotation.__args__
    allowed = "eine dieser Möglichkeiten: " + ", ".join(choices)
    with pytest.raises(
        CJMError,
        match=exact(
            f"{model_label(model)}: Das Feld „{label}“ (`{field}`) hat den Wert 'Quatsch'. "
            f"Erlaubt ist {allowed}."
        ),
    ) as info:
        model(**base, **{field: "Quatsch"})
    assert info.value.allowed == allowed
    # every listed choice is accepted
    for choice in choices:
        assert getattr(model(**base, **{field: choice}), field) == choice


RANGES = [
    (Need, {"need": "Beratung"}, "importance", 11, "Wichtigkeit", "eine ganze Zahl von 1 bis 10"),
    (
        Need,
        {"need": "Beratung"},
        "satisfaction",
        0,
        "Zufriedenheit",
        "eine ganze Zahl von 1 bis 10",
    ),
    (Persona, {"name": "Lena"}, "age", 5, "Alter", "eine ganze Zahl von 14 bis 110"),
    (Solution, {"title": "S"}, "impact", 6, "Wirkung", "eine ganze Zahl von 1 bis 5"),
    (Solution, {"title": "S"}, "effort", 0, "Aufwand", "eine ganze Zahl von 1 bis 5"),
    (PainPoint, {"title": "P"}, "severity", 9, "Schwere", "eine ganze Zahl von 1 bis 5"),
    (
        FeedbackItem,
        {"text": "gut"},
        "score",
        11,
        "Bewertung (0–10)",
        "eine ganze Zahl von 0 bis 10",
    ),
    (FeedbackItem, {"text": "gut"}, "sentiment", 3, "Stimmung", "eine ganze Zahl von -2 bis 2"),
    (
        Segment,
        {"name": "S"},
        "share_percent",
        101.5,
        "Anteil an allen Kunden (%)",
        "eine Zahl von 0 bis 100",
    ),
    (ChapterProgress, {}, "quiz_score", 1.5, "Ergebnis im Wissenscheck", "eine Zahl von 0 bis 1"),
    (
        FeedbackItem,
        {"text": "gut"},
        "received",
        "gestern",
        "Eingegangen am",
        "ein Datum im Format JJJJ-MM-TT, z. B. 2026-03-31",
    ),
    (
        Touchpoint,
        {"name": "T", "phase": "Kauf", "channel": "App"},
        "online",
        "vielleicht",
        "Online",
        "ja oder nein (True oder False)",
    ),
    (
        Touchpoint,
        {"name": "T", "phase": "Kauf", "channel": "App"},
        "persona_ids",
        5,
        "Personas",
        'eine Liste, z. B. ["Website", "App"]',
    ),
]


@pytest.mark.parametrize(
    ("model", "base", "field", "value", "label", "allowed"),
    RANGES,
    ids=[f"{r[0].__name__}.{r[2]}" for r in RANGES],
)
def test_range_and_type_messages(model, base, field, value, label, allowed):
    with pytest.raises(
        CJMError,
        match=exact(
            f"{model_label(model)}: Das Feld „{label}“ (`{field}`) hat den Wert {value!r}. "
            f"Erlaubt ist {allowed}."
        ),
    ) as info:
        model(**base, **{field: value})
    assert (info.value.field, info.value.value, info.value.allowed) == (field, value, allowed)


def test_long_values_are_shortened_in_the_message():
    with pytest.raises(CJMError) as info:
        Persona(name="x" * 600)
    assert "..." in str(info.value)
    assert "x" * 100 not in str(info.value)
    assert info.value.value == "x" * 600


# -- assignment validation ---------------------------------------------------------------------


def test_assignment_is_validated_and_leaves_the_value():
    touchpoint = tp(relevance=4)
    with pytest.raises(CJMError, match=exact("(`relevance`) hat den Wert 7")):
        touchpoint.relevance = 7
    assert touchpoint.relevance == 4
    touchpoint.relevance = 5
    assert touchpoint.relevance == 5


def test_assignment_to_unknown_attribute_is_a_cjm_error():
    persona = Persona(name="Lena")
    with pytest.raises(CJMError, match=exact("`nmae`")):
        persona.nmae = "Lea"
    assert persona.name == "Lena"


def test_copy_with_validates():
    need = Need(need="Beratung", importance=8)
    assert need.copy_with(satisfaction=2).satisfaction == 2
    with pytest.raises(CJMError, match=exact("(`importance`) hat den Wert 0")):
        need.copy_with(importance=0)


def test_model_validate_raises_cjm_error():
    with pytest.raises(CJMError, match=exact("Touchpoint: Das Feld „Relevanz“")):
        Touchpoint.model_validate({"name": "T", "phase": "Kauf", "channel": "App", "relevance": 9})


def test_whitespace_is_stripped():
    assert Persona(name="  Lena  ").name == "Lena"


# -- list splitting --------------------------------------------------------------------------


def test_list_fields_accept_semicolon_and_newline_text():
    segment = Segment(name="Familien", demographic="30–45 Jahre; Kinder\nEigenheim; ;")
    assert segment.demographic == ["30–45 Jahre", "Kinder", "Eigenheim"]
    persona = Persona(name="Lena", channels="Website; App", devices="Smartphone")
    assert persona.channels == ["Website", "App"]
    assert persona.devices == ["Smartphone"]
    assert Goal(kpis="NPS +10; Abbruchquote -5 %").kpis == ["NPS +10", "Abbruchquote -5 %"]


def test_list_fields_keep_real_lists_unsplit():
    persona = Persona(name="Lena", needs_goals=["schnell; bequem", "günstig"])
    assert persona.needs_goals == ["schnell; bequem", "günstig"]


def test_list_items_must_not_be_empty():
    with pytest.raises(CJMError, match=exact("(`channels`)")):
        Persona(name="Lena", channels=["Website", ""])


# -- phase models -----------------------------------------------------------------------------


def test_presets_have_the_phases_from_the_sources():
    assert preset("fuenf_phasen").names == [
        "Bewusstsein",
        "Überlegung",
        "Entscheidung",
        "Kauf",
        "Nachkauf",
    ]
    assert preset("sechs_kategorien").names == [
        "Awareness",
        "Entdecken",
        "Informieren",
        "Bewerten",
        "Kaufen",
        "Nutzung",
    ]
    assert preset("vier_phasen").names == ["Aktivierung", "Information", "Aktion", "Bindung"]
    assert set(PRESETS) == {"fuenf_phasen", "sechs_kategorien", "vier_phasen"}
    assert preset().preset == "fuenf_phasen"
    assert preset("fuenf_phasen").ids == [
        "bewusstsein",
        "ueberlegung",
        "entscheidung",
        "kauf",
        "nachkauf",
    ]


def test_unknown_preset():
    with pytest.raises(
        CJMError,
        match=exact(
            "Die Vorlage „zehn_phasen“ gibt es nicht. Möglich sind: "
            "fuenf_phasen, sechs_kategorien, vier_phasen."
        ),
    ) as info:
        preset("zehn_phasen")
    assert info.value.field == "preset"


def test_default_project_uses_the_five_phases():
    assert JourneyProject().phase_model.preset == "fuenf_phasen"


def test_phase_model_with_9_phases():
    names = [f"Phase {i}" for i in range(1, 10)]
    with pytest.raises(
        CJMError,
        match=exact(
            "Phasenmodell: Es hat 9 Phasen (Phase 1, Phase 2, Phase 3, Phase 4, Phase 5, Phase 6, "
            "Phase 7, Phase 8, Phase 9), erlaubt sind 4 bis 8 Phasen. "
            "Fasse Phasen zusammen oder ergänze welche."
        ),
    ) as info:
        PhaseModel(phases=names)
    assert (info.value.field, info.value.value, info.value.allowed) == (
        "phases",
        9,
        "4 bis 8 Phasen",
    )


def test_phase_model_with_3_phases():
    with pytest.raises(
        CJMError,
        match=exact(
            "Phasenmodell: Es hat 3 Phasen (Suchen, Kaufen, Nutzen), erlaubt sind 4 bis 8 Phasen."
        ),
    ) as info:
        PhaseModel(phases=["Suchen", "Kaufen", "Nutzen"])
    assert info.value.value == 3


@pytest.mark.parametrize("count", [MIN_PHASES, MAX_PHASES])
def test_phase_model_bounds_are_allowed(count):
    model = PhaseModel(phases=[f"P{i}" for i in range(count)])
    assert len(model.phases) == count


def test_phase_model_with_9_phases_inside_a_project():
    with pytest.raises(CJMError, match=exact("Es hat 9 Phasen")):
        JourneyProject(phase_model={"phases": list("abcdefghi")})


def test_duplicate_phase_names_case_insensitive():
    with pytest.raises(
        CJMError,
        match=exact(
            "Phasenmodell: Die Phase „kauf“ kommt doppelt vor. Jede Phase braucht einen "
            "eigenen Namen."
        ),
    ):
        PhaseModel(phases=["Suche", "Kauf", "Nutzung", "kauf"])


def test_phase_ids_are_slugs():
    assert slugify("Überlegung") == "ueberlegung"
    assert slugify("  Kauf & Bezahlung ") == "kauf-bezahlung"
    assert slugify("Straße") == "strasse"
    assert slugify("🙂") == "phase"


def test_phase_resolution_by_id_or_name():
    model = preset("fuenf_phasen")
    assert model.resolve("Überlegung") == "ueberlegung"
    assert model.resolve(" überlegung ") == "ueberlegung"
    assert model.resolve("ueberlegung") == "ueberlegung"
    assert model.name_of("ueberlegung") == "Überlegung"
    assert model.index_of("Kauf") == 3


def test_phase_resolution_prefers_an_exact_id_over_another_phases_name():
    # After renames a name may equal another phase's id; a stored id must not move.
    model = PhaseModel(
        phases=[
            {"id": "bewusstsein", "name": "kauf"},
            {"id": "ueberlegung", "name": "Überlegung"},
            {"id": "kauf", "name": "Checkout"},
            {"id": "nachkauf", "name": "Nachkauf"},
        ]
    )
    assert model.resolve("kauf") == "kauf"
    project = JourneyProject(phase_model=model, touchpoints=[tp(phase="kauf")])
    assert project.touchpoints[0].phase == "kauf"


def test_unknown_phase_in_a_project():
    with pytest.raises(
        CJMError,
        match=exact(
            "Die Phase „Mond“ (`touchpoints['Kasse'].phase`) gibt es in deinem Phasenmodell nicht. "
            "Möglich sind: Bewusstsein, Überlegung, Entscheidung, Kauf, Nachkauf. "
            "Wähle eine davon oder passe erst das Phasenmodell an."
        ),
    ) as info:
        JourneyProject(touchpoints=[tp(phase="Mond")])
    assert info.value.value == "Mond"
    assert info.value.allowed == "Bewusstsein, Überlegung, Entscheidung, Kauf, Nachkauf"


def test_phase_given_by_name_is_stored_as_id():
    project = JourneyProject(
        touchpoints=[tp(phase="Überlegung")],
        pain_points=[PainPoint(title="Warten", phase="Nachkauf")],
    )
    assert project.touchpoints[0].phase == "ueberlegung"
    assert project.pain_points[0].phase == "nachkauf"


def test_unknown_phase_of_a_pain_point():
    with pytest.raises(CJMError, match=exact("Die Phase „Mond“")):
        JourneyProject(pain_points=[PainPoint(title="Warten", phase="Mond")])


# -- project: ids and references --------------------------------------------------------------

MINIMAL = {
    "segments": {"name": "S"},
    "personas": {"name": "P"},
    "needs": {"need": "N"},
    "touchpoints": {"name": "T", "phase": "Kauf", "channel": "App"},
    "pain_points": {"title": "PP"},
    "solutions": {"title": "L"},
    "hypotheses": {"assumption": "H"},
    "feedback": {"text": "F"},
    "actions": {"title": "A", "owner": "O"},
    "reviews": {"title": "R"},
    "evidence_rules": {
        "title": "B",
        "claim": "kpi",
        "target": "K",
        "metric": "nps",
        "threshold": 0,
    },
    "verifications": {"title": "V"},
}


def test_minimal_entries_cover_every_collection():
    assert set(MINIMAL) == set(COLLECTIONS)


@pytest.mark.parametrize("collection", list(COLLECTIONS))
def test_duplicate_ids(collection):
    model = COLLECTIONS[collection]
    items = [model(id="x-1", **MINIMAL[collection]), model(id="x-1", **MINIMAL[collection])]
    label = {
        "segments": "Zielgruppen",
        "personas": "Personas",
        "needs": "Bedürfnisse",
        "touchpoints": "Touchpoints",
        "pain_points": "Pain Points",
        "solutions": "Lösungen",
        "hypotheses": "Hypothesen",
        "feedback": "Feedback",
        "actions": "Maßnahmen",
        "reviews": "Reviews",
        "evidence_rules": "Belegregeln",
        "verifications": "Prüfungen",
    }[collection]
    with pytest.raises(
        CJMError,
        match=exact(
            f"In „{label}“ kommt die Kennung „x-1“ zweimal vor. "
            "Jeder Eintrag braucht eine eigene Kennung."
        ),
    ) as info:
        JourneyProject(**{collection: items})
    assert (info.value.field, info.value.value) == ("id", "x-1")


@pytest.mark.parametrize(
    ("collection", "field", "target"),
    JourneyProject.REFERENCES,
    ids=[f"{c}.{f}" for c, f, _ in JourneyProject.REFERENCES],
)
def test_dangling_references(collection, field, target):
    model = COLLECTIONS[collection]
    is_list = model.model_fields[field].annotation == list[str]
    ref = ["fehlt-1"] if is_list else "fehlt-1"
    item = model(**MINIMAL[collection], **{field: ref})
    title = JourneyProject._title(item)
    target_label = {
        "segments": "Zielgruppen",
        "personas": "Personas",
        "touchpoints": "Touchpoints",
        "pain_points": "Pain Points",
        "solutions": "Lösungen",
    }[target]
    with pytest.raises(
        CJMError,
        match=exact(
            f"{model_label(model)} „{title}“: Das Feld „{field_label(model, field)}“ (`{field}`) "
            f"verweist auf „fehlt-1“, aber in {target_label} gibt es keinen Eintrag mit dieser "
            "Kennung. Vorhanden sind: (noch keine angelegt)."
        ),
    ) as info:
        JourneyProject(**{collection: [item]})
    assert (info.value.field, info.value.value) == (field, "fehlt-1")


def test_dangling_reference_lists_what_exists():
    with pytest.raises(
        CJMError,
        match=exact(
            "Bedürfnis „Beratung“: Das Feld „Persona“ (`persona_id`) verweist auf „per-x“, aber in "
            "Personas gibt es keinen Eintrag mit dieser Kennung. Vorhanden sind: per-1 (Lena)."
        ),
    ) as info:
        JourneyProject(
            personas=[Persona(id="per-1", name="Lena")],
            needs=[Need(need="Beratung", persona_id="per-x")],
        )
    assert info.value.allowed == "per-1 (Lena)"


def test_valid_references_are_accepted():
    project = JourneyProject(
        segments=[Segment(id="seg-1", name="Familien")],
        personas=[Persona(id="per-1", name="Lena", segment_id="seg-1")],
        needs=[Need(need="Beratung", persona_id="per-1")],
        touchpoints=[tp(id="tp-1", persona_ids=["per-1"])],
        pain_points=[
            PainPoint(id="pp-1", title="Warten", touchpoint_ids=["tp-1"], persona_ids=["per-1"])
        ],
        solutions=[Solution(id="sol-1", title="Rückruf", pain_point_ids=["pp-1"])],
        hypotheses=[Hypothesis(assumption="A", solution_id="sol-1", pain_point_id="pp-1")],
        feedback=[FeedbackItem(text="gut", touchpoint_id="tp-1")],
        actions=[Action(title="Bauen", owner="IT", solution_id="sol-1")],
    )
    assert project.personas[0].segment_id == "seg-1"


def test_project_assignment_is_validated():
    project = JourneyProject()
    with pytest.raises(CJMError, match=exact("(`name`) hat den Wert ''")):
        project.name = ""
    assert project.name == "Meine Customer Journey"


# -- labels and derived values ----------------------------------------------------------------


def test_labels_are_german():
    labels = Touchpoint.labels()
    assert labels["relevance"] == "Relevanz"
    assert labels["moment_of_truth"] == "Moment der Wahrheit"
    assert labels["notes"] == "Notizen"  # from the common labels
    assert list(labels) == list(Touchpoint.model_fields)
    assert field_label(Persona, "segment_id") == "Zielgruppe"
    assert field_label("touchpoint", "department") == "Verantwortliche Abteilung"
    assert field_label(Persona, "no_such_field") == "no_such_field"
    assert model_label(PainPoint) == "Pain Point"


def test_every_field_of_every_model_has_a_label():
    for model in [*COLLECTIONS.values(), Goal, PhaseModel, ChapterProgress, Evidence]:
        for name, label in model.labels().items():
            assert label != name, f"{model.__name__}.{name} has no label"
    project_labels = JourneyProject.labels()
    for name in ("name", "industry", "created", "goal", "phase_model", "progress"):
        assert project_labels[name] != name


def test_derived_values():
    assert Need(need="N", importance=9, satisfaction=3).opportunity == 15
    assert Need(need="N", importance=9, satisfaction=3).underserved
    assert Need(need="N", importance=4, satisfaction=9).opportunity == 4
    assert Solution(title="a", impact=5, effort=1).quadrant == "Quick Win"
    assert Solution(title="a", impact=5, effort=5).quadrant == "Großprojekt"
    assert Solution(title="a", impact=1, effort=1).quadrant == "Lückenfüller"
    assert Solution(title="a", impact=1, effort=5).quadrant == "Zeitfresser"
    assert PainPoint(title="a", severity=4, frequency=5).priority == 20
    assert Persona(name="a").assumption_share == 1.0
    persona = Persona(name="a", evidence=[Evidence(kind="Interview"), Evidence()])
    assert persona.assumption_share == 0.5


def test_constants():
    assert "Website" in CHANNELS
    assert "keine Angabe" in GENDERS
    assert "Annahme" in EVIDENCE_KINDS
