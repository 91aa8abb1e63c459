"""The workbook: collections, phase models, round trips, corrupt files and recovery."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import json
import re
import tempfile
import typing
from pathlib import Path
from unittest import mock

import pytest
from filelock import FileLock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjmlib.errors import CJMError, WorkbookError
from cjmlib.messages import set_language
from cjmlib.model import (
    CHANNELS,
    COLLECTIONS,
    DEPARTMENTS,
    DEVICES,
    EVIDENCE_KINDS,
    GENDERS,
    INCOME_BANDS,
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
    Phase,
    PhaseModel,
    Review,
    Segment,
    Solution,
    Touchpoint,
    preset,
)
from cjmlib.workbook import SCHEMA_VERSION, Workbook, storage


@pytest.fixture(autouse=True)
def german():
    set_language("de")
    yield
    set_language("de")


def exact(text: str) -> str:
    return re.escape(text)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "projekt.cjm.json"


@pytest.fixture
def wb(path: Path) -> Workbook:
    return Workbook.open(path, name="Testprojekt", industry="Einzelhandel")


def add_tp(wb: Workbook, name: str, phase: str = "Kauf", **fields):
    return wb.touchpoints.add(name=name, phase=phase, channel="Filiale", **fields)


# -- opening and creating ---------------------------------------------------------------------


def test_open_creates_a_readable_json_file(path):
    wb = Workbook.open(path, name="Mein Projekt", industry="Bank")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "cjm-werkstatt-workbook"
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["revision"] == 1
    assert doc["project"]["name"] == "Mein Projekt"
    assert doc["project"]["industry"] == "Bank"
    assert wb.revision == 1
    # umlauts are stored as such, and the file is indented (readable by a human)
    assert "Überlegung" in path.read_text(encoding="utf-8")
    assert "\n " in path.read_text(encoding="utf-8")


def test_reopen_sees_the_same_project(wb, path):
    add_tp(wb, "Kasse")
    again = Workbook.open(path)
    assert again.project == wb.project
    assert again.touchpoints["Kasse"].phase == "kauf"


def test_template_is_copied_not_shared(path):
    template = JourneyProject(name="Vorlage")
    wb = Workbook.open(path, template=template)
    add_tp(wb, "Kasse")
    assert template.touchpoints == []


def test_open_a_folder(tmp_path):
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"„{tmp_path}“ ist ein Ordner, keine Datei. Gib einen Dateinamen an, "
            "z. B. „mein_projekt.cjm.json“."
        ),
    ):
        Workbook.open(tmp_path)


def test_open_in_a_missing_folder(tmp_path):
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Den Ordner „{tmp_path / 'fehlt'}“ gibt es nicht. "
            "Lege ihn an oder wähle einen anderen Speicherort."
        ),
    ):
        Workbook.open(tmp_path / "fehlt" / "a.cjm.json")


def test_unwritable_location_keeps_the_state(wb, path, monkeypatch):
    add_tp(wb, "Kasse")
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(storage, "atomic_write", refuse)
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Das Arbeitsbuch „{path}“ konnte nicht gespeichert werden: Dir fehlt die "
            "Berechtigung. Wähle einen Ordner, in dem du schreiben darfst (zum Beispiel deinen "
            "Kursordner), oder bitte deine Administration um Zugriff. Deine Änderung wurde nicht "
            "übernommen."
        ),
    ):
        add_tp(wb, "App")
    assert path.read_bytes() == before
    assert wb.touchpoints.ids() == [t.id for t in Workbook.open(path).touchpoints]
    assert "App" not in wb.touchpoints


def test_lock_held_too_long(wb, path, monkeypatch):
    monkeypatch.setattr(storage, "locked", functools.partial(storage.locked, timeout=0.2))
    before = path.read_bytes()
    with (
        FileLock(str(path) + ".lock"),
        pytest.raises(
            WorkbookError,
            match=exact(
                f"Das Arbeitsbuch „{path}“ wird gerade von einem anderen Prozess gespeichert "
                "und war "
                "nach 0.2 Sekunden noch gesperrt. Deine Änderung wurde nicht gespeichert, "
                "aber auch "
                "nichts verloren."
            ),
        ),
    ):
        add_tp(wb, "Kasse")
    assert path.read_bytes() == before
    add_tp(wb, "Kasse")  # works once the lock is free
    assert len(Workbook.open(path).touchpoints) == 1


# -- collections ------------------------------------------------------------------------------


def test_add_get_find_update_remove(wb, path):
    lena = wb.personas.add(name="Lena", age=34, channels="Website; App")
    assert lena.channels == ["Website", "App"]
    assert wb.personas["Lena"] == lena
    assert wb.personas["lena"] == lena  # names are matched case-insensitively
    assert wb.personas[lena.id] == lena
    assert wb.personas[0] == lena
    assert wb.personas.get("Tom") is None
    assert "Lena" in wb.personas
    assert len(wb.personas) == 1
    assert [p.name for p in wb.personas] == ["Lena"]
    changed = wb.personas.update("Lena", age=35, occupation="Ärztin")
    assert (changed.age, changed.occupation) == (35, "Ärztin")
    assert wb.personas.find(occupation="ärztin") == [changed]
    assert wb.personas.find(age=99) == []
    assert Workbook.open(path).personas["Lena"].occupation == "Ärztin"
    gone = wb.personas.remove("Lena")
    assert gone.id == lena.id
    assert len(Workbook.open(path).personas) == 0


def test_returned_entries_are_copies(wb):
    entry = add_tp(wb, "Kasse")
    entry.notes = "nur lokal"
    assert wb.touchpoints["Kasse"].notes == ""


def test_add_accepts_model_dict_and_keywords(wb):
    wb.segments.add(Segment(name="Familien"))
    wb.segments.add({"name": "Studierende"}, priority=5)
    wb.segments.add(name="Senioren")
    assert [s.name for s in wb.segments] == ["Familien", "Studierende", "Senioren"]
    assert wb.segments["Studierende"].priority == 5


def test_add_of_the_wrong_type(wb):
    with pytest.raises(
        CJMError,
        match=exact(
            "In Personas gehören Einträge vom Typ Persona, übergeben wurde Segment. Lege den "
            "Eintrag "
            "mit `Persona(...)` an oder übergib die Felder als Schlüsselwörter."
        ),
    ):
        wb.personas.add(Segment(name="Familien"))


def test_invalid_add_changes_nothing(wb, path):
    before = path.read_bytes()
    with pytest.raises(CJMError, match=exact("(`relevance`) hat den Wert 7")):
        add_tp(wb, "Kasse", relevance=7)
    with pytest.raises(CJMError, match=exact("Die Phase „Mond“")):
        add_tp(wb, "Kasse", phase="Mond")
    assert path.read_bytes() == before
    assert len(wb.touchpoints) == 0


def test_invalid_update_changes_nothing(wb, path):
    add_tp(wb, "Kasse", relevance=3)
    before = path.read_bytes()
    with pytest.raises(
        CJMError, match=exact("Touchpoint: Das Feld „Emotion“ (`emotion`) hat den Wert 3.")
    ):
        wb.touchpoints.update("Kasse", emotion=3)
    assert path.read_bytes() == before
    assert wb.touchpoints["Kasse"].emotion == 0


def test_update_cannot_change_the_id(wb):
    entry = add_tp(wb, "Kasse")
    with pytest.raises(CJMError, match=exact("(`id`) hat den Wert 'neu'")):
        wb.touchpoints.update("Kasse", id="neu")
    assert wb.touchpoints.ids() == [entry.id]


def test_not_found_lists_what_exists(wb):
    add_tp(wb, "Kasse")
    tp_id = wb.touchpoints["Kasse"].id
    with pytest.raises(
        CJMError,
        match=exact(
            f"In Touchpoints gibt es keinen Eintrag „Kase“. Vorhanden sind: Kasse ({tp_id})."
        ),
    ) as info:
        wb.touchpoints.update("Kase", relevance=5)
    assert info.value.value == "Kase"


def test_not_found_in_an_empty_collection(wb):
    with pytest.raises(
        CJMError,
        match=exact(
            "In Personas gibt es keinen Eintrag „Lena“. Vorhanden sind: (noch keine angelegt)."
        ),
    ):
        wb.personas["Lena"]


def test_ambiguous_name(wb):
    a = add_tp(wb, "Kasse")
    b = add_tp(wb, "Kasse", phase="Nachkauf")
    with pytest.raises(
        CJMError,
        match=exact(
            f"In Touchpoints passen mehrere Einträge zu „Kasse“: {a.id}, {b.id}. "
            "Nimm die Kennung (`id`), um genau einen zu wählen."
        ),
    ):
        wb.touchpoints["Kasse"]
    assert wb.touchpoints[b.id].phase == "nachkauf"


def test_find_with_an_unknown_field(wb):
    with pytest.raises(CJMError, match=exact("Touchpoint: Ein Feld `kanal` gibt es nicht.")):
        wb.touchpoints.find(kanal="App")


def test_add_many_is_all_or_nothing(wb, path):
    before = path.read_bytes()
    with pytest.raises(CJMError, match=exact("(`relevance`) hat den Wert 9")):
        wb.touchpoints.add_many(
            [
                {"name": "A", "phase": "Kauf", "channel": "App"},
                {"name": "B", "phase": "Kauf", "channel": "App", "relevance": 9},
            ]
        )
    with pytest.raises(CJMError, match=exact("Die Phase „Mond“")):
        wb.touchpoints.add_many(
            [
                {"name": "A", "phase": "Kauf", "channel": "App"},
                {"name": "B", "phase": "Mond", "channel": "App"},
            ]
        )
    assert path.read_bytes() == before
    added = wb.touchpoints.add_many(
        [{"name": f"T{i}", "phase": "Kauf", "channel": "App"} for i in range(5)]
    )
    assert [a.name for a in added] == [f"T{i}" for i in range(5)]
    assert wb.revision == 2  # one save for all five


def test_replace_all(wb):
    add_tp(wb, "Alt")
    wb.touchpoints.replace_all([Touchpoint(name="Neu", phase="Kauf", channel="App")])
    assert [t.name for t in wb.touchpoints] == ["Neu"]


def test_to_frame_with_german_labels(wb):
    add_tp(wb, "Kasse", relevance=4)
    frame = wb.touchpoints.to_frame(labels=True)
    assert list(frame.columns)[:4] == ["Kennung", "Name", "Phase", "Kanal"]
    assert frame.loc[0, "Relevanz"] == 4
    assert list(wb.touchpoints.to_frame().columns) == list(Touchpoint.model_fields)
    assert len(wb.needs.to_frame()) == 0


def test_every_collection_is_there(wb):
    for name, model in COLLECTIONS.items():
        assert getattr(wb, name).model is model


def test_repr_is_german(wb):
    add_tp(wb, "Kasse")
    assert repr(wb.touchpoints) == "<Touchpoints: 1 (Kasse)>"
    assert "Touchpoints: 1" in repr(wb)


def test_on_change_is_called_after_each_saved_change(wb):
    calls = []
    wb.on_change(lambda book, note: calls.append((book.revision, note)))
    add_tp(wb, "Kasse")
    with pytest.raises(CJMError):
        add_tp(wb, "Kaputt", relevance=0)
    wb.set_goal(business_goal="Mehr Umsatz")
    assert [c[0] for c in calls] == [2, 3]
    assert calls[0][1] == "touchpoints: + Kasse"


# -- goal, project info, progress ----------------------------------------------------------


def test_goal_and_project_info(wb, path):
    wb.set_goal(business_goal="Abbrüche senken", kpis="Abbruchquote; NPS")
    wb.set_project_info(name="Kasse 2.0", description="Test")
    again = Workbook.open(path)
    assert again.goal == Goal(business_goal="Abbrüche senken", kpis=["Abbruchquote", "NPS"])
    assert again.project.name == "Kasse 2.0"
    with pytest.raises(
        CJMError,
        match=exact(
            "Journey-Projekt: Ein Feld `farbe` gibt es nicht. Möglich sind: description, "
            "industry, name."
        ),
    ):
        wb.set_project_info(farbe="blau")
    with pytest.raises(CJMError, match=exact("Ziel: Ein Feld `umsatz` gibt es nicht.")):
        wb.set_goal(umsatz=5)


def test_progress_merges_and_validates(wb, path):
    assert wb.progress("kapitel_01") == ChapterProgress()
    wb.set_progress("kapitel_01", checklist={"ziel": True})
    wb.set_progress(
        "kapitel_01", checklist={"persona": False}, quiz_answers={"q1": [2]}, quiz_score=0.8
    )
    progress = Workbook.open(path).progress("kapitel_01")
    assert progress.checklist == {"ziel": True, "persona": False}
    assert progress.quiz_answers == {"q1": [2]}
    assert progress.quiz_score == 0.8
    with pytest.raises(
        CJMError,
        match=exact(
            "Kapitelfortschritt: Das Feld „Ergebnis im Wissenscheck“ (`quiz_score`) hat den "
            "Wert 1.5. "
            "Erlaubt ist eine Zahl von 0 bis 1."
        ),
    ):
        wb.set_progress("kapitel_01", quiz_score=1.5)
    assert wb.progress("kapitel_01").quiz_score == 0.8


# -- phase models ---------------------------------------------------------------------------


def test_rename_phase_carries_its_touchpoints(wb, path):
    add_tp(wb, "Kasse", phase="Kauf")
    model = wb.rename_phase("Kauf", "Bezahlen")
    assert model.names == ["Bewusstsein", "Überlegung", "Entscheidung", "Bezahlen", "Nachkauf"]
    again = Workbook.open(path)
    assert again.touchpoints["Kasse"].phase == "kauf"
    assert again.phase_model.name_of("kauf") == "Bezahlen"
    assert again.phase_model.resolve("Bezahlen") == "kauf"


def test_rename_to_the_id_of_another_phase_moves_nothing(wb, path):
    # Regression: "kauf" (a name) used to win over the id "kauf" of the renamed phase.
    add_tp(wb, "Kasse", phase="Kauf")
    wb.rename_phase("Kauf", "Checkout")
    wb.rename_phase("Bewusstsein", "kauf")
    add_tp(wb, "Anzeige", phase="Nachkauf")
    assert Workbook.open(path).touchpoints["Kasse"].phase == "kauf"
    assert Workbook.open(path).phase_model.name_of("kauf") == "Checkout"


def test_rename_to_an_existing_name_is_refused(wb):
    with pytest.raises(CJMError, match=exact("Die Phase „Nachkauf“ kommt doppelt vor")):
        wb.rename_phase("Kauf", "Nachkauf")


def test_set_phase_model_keeps_phases_of_the_same_name(wb):
    add_tp(wb, "Kasse", phase="Kauf")
    wb.set_phase_model(["Suche", "Vergleich", "Kauf", "Nutzung"])
    assert wb.touchpoints["Kasse"].phase == "kauf"
    assert wb.phase_model.names == ["Suche", "Vergleich", "Kauf", "Nutzung"]


def test_set_phase_model_without_mapping_is_refused(wb, path):
    add_tp(wb, "Kasse", phase="Kauf")
    add_tp(wb, "Regal", phase="Kauf")
    add_tp(wb, "Anzeige", phase="Bewusstsein")
    before = path.read_bytes()
    with pytest.raises(
        CJMError,
        match=exact(
            "Das neue Phasenmodell hat keine Phase für 3 Einträge (Touchpoints, Pain Points "
            "oder Feedback) aus den Phasen Kauf, "
            'Bewusstsein. Übergib `mapping={"alte Phase": "neue Phase", ...}`, damit keine '
            "Zuordnung verloren geht. Neue Phasen: Aktivierung, Information, Aktion, Bindung."
        ),
    ) as info:
        wb.set_phase_model("vier_phasen")
    assert info.value.field == "mapping"
    assert path.read_bytes() == before
    assert wb.phase_model.preset == "fuenf_phasen"


def test_set_phase_model_with_mapping(wb, path):
    add_tp(wb, "Kasse", phase="Kauf")
    add_tp(wb, "Anzeige", phase="Bewusstsein")
    wb.pain_points.add(title="Schlange", phase="Kauf")
    wb.set_phase_model("vier_phasen", mapping={"Kauf": "Aktion", "bewusstsein": "Aktivierung"})
    again = Workbook.open(path)
    assert again.phase_model.preset == "vier_phasen"
    assert again.touchpoints["Kasse"].phase == "aktion"
    assert again.touchpoints["Anzeige"].phase == "aktivierung"
    assert again.pain_points["Schlange"].phase == "aktion"


def test_set_phase_model_with_a_bad_mapping(wb):
    add_tp(wb, "Kasse", phase="Kauf")
    with pytest.raises(
        CJMError, match=exact("Die Phase „Mond“ (`mapping`) gibt es in deinem Phasenmodell nicht.")
    ):
        wb.set_phase_model("vier_phasen", mapping={"Kauf": "Mond"})


def test_set_phase_model_object_and_bad_sizes(wb):
    wb.set_phase_model(PhaseModel(name="Meins", phases=[Phase(name=n) for n in "ABCDEFGH"]))
    assert len(wb.phase_model.phases) == 8
    with pytest.raises(CJMError, match=exact("Phasenmodell: Es hat 9 Phasen")):
        wb.set_phase_model(list("ABCDEFGHI"))
    with pytest.raises(CJMError, match=exact("Die Vorlage „sieben“ gibt es nicht.")):
        wb.set_phase_model("sieben")
    assert len(wb.phase_model.phases) == 8


# -- property-based round trips -------------------------------------------------------------

SPECIAL_TEXTS = [
    "Ärger über Öffnungszeiten",
    "„Zitat“ mit ‚Gänsefüßchen‘",
    "\"doppelt\" und 'einfach'",
    "<script>alert('x')</script>",
    "<b>fett</b> &amp; &lt;",
    "😀🚀👩‍👩‍👧",
    "Straße",
    "a\\b\\n",
    "Zeile 1\nZeile 2",
    "=SUMME(A1:A3)",
    "Tab\tTab",
    "ÄÖÜäöüß",
    "null",
    '{"json": 1}',
]


def text(min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    raw = st.one_of(st.text(max_size=max_size), st.sampled_from(SPECIAL_TEXTS))
    return raw.map(str.strip).filter(lambda s: len(s) >= min_size)


def nonempty() -> st.SearchStrategy[str]:
    return text(min_size=1)


def str_list(max_size: int = 3) -> st.SearchStrategy[list[str]]:
    return st.lists(nonempty(), max_size=max_size)


def choices(model, field: str) -> st.SearchStrategy[str]:
    return st.sampled_from(typing.get_args(model.model_fields[field].annotation))


def subset(ids: list[str]) -> st.SearchStrategy[list[str]]:
    if not ids:
        return st.just([])
    return st.lists(st.sampled_from(ids), unique=True, max_size=3)


def maybe(ids: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(ids) if ids else st.none()


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
evidence = st.lists(
    st.builds(
        Evidence, kind=st.sampled_from(EVIDENCE_KINDS), source=text(), about=text(), note=text()
    ),
    max_size=2,
)


@st.composite
def phase_models(draw) -> PhaseModel:
    if draw(st.booleans()):
        return preset(draw(st.sampled_from(sorted(PRESETS))))
    count = draw(st.integers(4, 8))
    names = [f"{draw(text(max_size=12))} {i}".strip() for i in range(count)]
    return PhaseModel(
        name=draw(nonempty()), phases=[Phase(name=n, description=draw(text())) for n in names]
    )


def ids_for(prefix: str, n: int, draw) -> list[str]:
    return [f"{prefix}-{i}{draw(st.sampled_from(['', '-ä', '-😀', '-x y']))}" for i in range(n)]


@st.composite
def projects(draw) -> JourneyProject:
    pm = draw(phase_models())
    phases = st.sampled_from(pm.ids + pm.names)
    seg_ids = ids_for("seg", draw(st.integers(0, 2)), draw)
    segments = [
        draw(
            st.builds(
                Segment,
                id=st.just(i),
                name=nonempty(),
                description=text(),
                demographic=str_list(),
                geographic=str_list(),
                psychographic=str_list(),
                behavioural=str_list(),
                technographic=str_list(),
                share_percent=st.none() | st.floats(0, 100),
                priority=st.integers(1, 5),
            )
        )
        for i in seg_ids
    ]
    per_ids = ids_for("per", draw(st.integers(0, 3)), draw)
    personas = [
        draw(
            st.builds(
                Persona,
                id=st.just(i),
                name=nonempty(),
                quote=text(max_size=40),
                age=st.none() | st.integers(14, 110),
                gender=st.sampled_from(GENDERS),
                income_band=st.sampled_from(INCOME_BANDS),
                occupation=text(),
                location=text(),
                buying_habits=text(),
                online_activity=text(),
                needs_goals=str_list(),
                pain_points=str_list(),
                channels=st.lists(st.sampled_from(CHANNELS), max_size=3),
                devices=st.lists(st.sampled_from(DEVICES), max_size=2),
                segment_id=maybe(seg_ids),
                evidence=evidence,
            )
        )
        for i in per_ids
    ]
    needs = draw(
        st.lists(
            st.builds(
                Need,
                persona_id=maybe(per_ids),
                need=nonempty(),
                expectation=text(),
                exceed=text(),
                importance=st.integers(1, 10),
                satisfaction=st.integers(1, 10),
                related_products=text(),
            ),
            max_size=3,
        )
    )
    tp_ids = ids_for("tp", draw(st.integers(0, 6)), draw)
    touchpoints = [
        draw(
            st.builds(
                Touchpoint,
                id=st.just(i),
                name=nonempty(),
                phase=phases,
                channel=st.sampled_from(CHANNELS) | nonempty(),
                online=st.booleans(),
                device=st.sampled_from(("", *DEVICES)),
                department=st.sampled_from(("", *DEPARTMENTS)),
                relevance=st.integers(1, 5),
                emotion=st.integers(-2, 2),
                moment_of_truth=st.booleans(),
                hidden=st.booleans(),
                persona_ids=subset(per_ids),
                notes=text(),
                evidence=evidence,
            )
        )
        for i in tp_ids
    ]
    pp_ids = ids_for("pp", draw(st.integers(0, 3)), draw)
    pain_points = [
        draw(
            st.builds(
                PainPoint,
                id=st.just(i),
                title=nonempty(),
                description=text(),
                phase=st.none() | phases,
                touchpoint_ids=subset(tp_ids),
                persona_ids=subset(per_ids),
                category=choices(PainPoint, "category"),
                severity=st.integers(1, 5),
                frequency=st.integers(1, 5),
                evidence=evidence,
            )
        )
        for i in pp_ids
    ]
    sol_ids = ids_for("sol", draw(st.integers(0, 3)), draw)
    solutions = [
        draw(
            st.builds(
                Solution,
                id=st.just(i),
                title=nonempty(),
                description=text(),
                pain_point_ids=subset(pp_ids),
                impact=st.integers(1, 5),
                effort=st.integers(1, 5),
                owner=text(),
                status=choices(Solution, "status"),
                kpi=text(),
            )
        )
        for i in sol_ids
    ]
    hypotheses = draw(
        st.lists(
            st.builds(
                Hypothesis,
                assumption=nonempty(),
                test_method=choices(Hypothesis, "test_method"),
                metric=text(),
                success_criterion=text(),
                result=choices(Hypothesis, "result"),
                result_note=text(),
                solution_id=maybe(sol_ids),
                pain_point_id=maybe(pp_ids),
            ),
            max_size=2,
        )
    )
    feedback = draw(
        st.lists(
            st.builds(
                FeedbackItem,
                received=dates,
                source=choices(FeedbackItem, "source"),
                text=nonempty(),
                touchpoint_id=maybe(tp_ids),
                phase=st.none() | phases,
                sentiment=st.integers(-2, 2),
                score=st.none() | st.integers(0, 10),
                tags=str_list(),
            ),
            max_size=3,
        )
    )
    actions = draw(
        st.lists(
            st.builds(
                Action,
                title=nonempty(),
                owner=nonempty(),
                department=text(),
                due=st.none() | dates,
                kpi=text(),
                target=text(),
                status=choices(Action, "status"),
                solution_id=maybe(sol_ids),
            ),
            max_size=2,
        )
    )
    reviews = draw(
        st.lists(
            st.builds(
                Review,
                held=dates,
                title=nonempty(),
                trigger=choices(Review, "trigger"),
                participants=str_list(),
                findings=text(),
                decisions=text(),
                snapshot=st.none() | nonempty(),
                next_review=st.none() | dates,
            ),
            max_size=2,
        )
    )
    progress = draw(
        st.dictionaries(
            st.sampled_from([f"kapitel_{i:02d}" for i in range(1, 13)]),
            st.builds(
                ChapterProgress,
                checklist=st.dictionaries(nonempty(), st.booleans(), max_size=3),
                quiz_answers=st.dictionaries(
                    nonempty(), st.lists(st.integers(0, 9), max_size=3), max_size=3
                ),
                quiz_score=st.none() | st.floats(0, 1),
                done=st.booleans(),
            ),
            max_size=2,
        )
    )
    return JourneyProject(
        name=draw(nonempty()),
        industry=draw(text()),
        description=draw(text()),
        created=draw(dates),
        goal=draw(st.builds(Goal, business_goal=text(), customer_goal=text(), kpis=str_list())),
        phase_model=pm,
        segments=segments,
        personas=personas,
        needs=needs,
        touchpoints=touchpoints,
        pain_points=pain_points,
        solutions=solutions,
        hypotheses=hypotheses,
        feedback=feedback,
        actions=actions,
        reviews=reviews,
        progress=progress,
    )


@contextlib.contextmanager
def no_fsync():
    """Round trips test content, not durability (the crash test does that): skip the
    fsyncs, which on a busy shared disk cost far more than the rest of a save."""
    with mock.patch("os.fsync"):
        yield


ROUND_TRIP = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@ROUND_TRIP
@given(projects())
def test_any_valid_project_survives_save_and_reopen(project):
    with tempfile.TemporaryDirectory() as folder, no_fsync():
        target = Path(folder) / "p.cjm.json"
        Workbook.open(target, template=project)
        again = Workbook.open(target)
        assert again.project == project
        assert again.project.model_dump(mode="json") == project.model_dump(mode="json")


@ROUND_TRIP
@given(projects())
def test_any_valid_project_built_through_collections_survives_reopen(project):
    with tempfile.TemporaryDirectory() as folder, no_fsync():
        target = Path(folder) / "p.cjm.json"
        start = JourneyProject(
            name=project.name, created=project.created, phase_model=project.phase_model
        )
        wb = Workbook.open(target, template=start)
        wb.set_goal(**project.goal.model_dump())
        wb.set_project_info(industry=project.industry, description=project.description)
        for name in COLLECTIONS:  # in the order of the method's steps: references resolve
            items = getattr(project, name)
            if items:
                getattr(wb, name).add(items[0])
                getattr(wb, name).add_many(items[1:])
        for chapter, progress in project.progress.items():
            wb.set_progress(chapter, **progress.model_dump())
        assert wb.project == project
        assert Workbook.open(target).project == project


# -- corrupt files and recovery ---------------------------------------------------------------


@pytest.fixture
def good(wb, path):
    """A workbook with a few saved versions; returns (path, the project of the last save)."""
    add_tp(wb, "Kasse")
    add_tp(wb, "Website", phase="Überlegung", relevance=5)
    return path, wb.project


def offer(path: Path) -> str:
    return (
        f'Stelle sie wieder her mit `Workbook.recover("{path}")`; die beschädigte Datei '
        f"wird dabei als „{path.name}.defekt-<Zeitpunkt>“ aufbewahrt."
    )


def break_file(path: Path, data: bytes) -> bytes:
    path.write_bytes(data)
    return data


CORRUPTIONS = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "invalid_json": lambda raw: b"{'format': 'cjm-werkstatt-workbook'}",
    "empty": lambda raw: b"",
    "not_utf8": lambda raw: raw.replace("Überlegung".encode(), "Überlegung".encode("latin-1")),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_broken_json_names_file_problem_and_last_good_version(good, kind):
    path, _ = good
    broken = break_file(path, CORRUPTIONS[kind](path.read_bytes()))
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    message = str(info.value)
    assert message.startswith(f"Das Arbeitsbuch „{path}“ ist beschädigt: ")
    assert "Es wurde nicht verändert. Die letzte gute Version ist vom " in message
    assert message.endswith(offer(path))
    assert ".." not in message
    assert info.value.path == str(path)
    assert Path(info.value.last_good).name.startswith("r000003_")
    assert path.read_bytes() == broken
    if kind == "not_utf8":
        assert "nicht als UTF-8 gespeichert (ungültiges Zeichen an Position" in message
    else:
        assert re.search(r"beschädigt: Zeile \d+, Spalte \d+: ", message)


def test_invalid_json_position_is_reported(good):
    path, _ = good
    break_file(path, b'{\n "format": "cjm-werkstatt-workbook",\n "revision": 3,,\n}')
    with pytest.raises(WorkbookError, match=exact(f"„{path}“ ist beschädigt: Zeile 3, Spalte")):
        Workbook.open(path)


@pytest.mark.parametrize(
    "content",
    ["[1, 2, 3]", '{"foo": 1}', '"text"', '{"format": "anderes-format", "schema_version": 2}'],
)
def test_json_that_is_not_a_workbook(good, content):
    path, _ = good
    break_file(path, content.encode())
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Das Arbeitsbuch „{path}“ ist beschädigt: Die Datei ist kein CJM-Arbeitsbuch "
            "(das Feld `format` fehlt oder ist falsch). Es wurde nicht verändert. "
            "Die letzte gute Version ist vom "
        ),
    ):
        Workbook.open(path)
    assert path.read_text() == content


def test_content_that_violates_the_model(good):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["project"]["touchpoints"][0]["relevance"] = 9
    broken = break_file(path, json.dumps(doc, ensure_ascii=False, indent=1).encode())
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Das Arbeitsbuch „{path}“ ist beschädigt: Der Inhalt passt nicht zum Modell: "
            "Touchpoint: Das Feld „Relevanz“ (`relevance`) hat den Wert 9. Erlaubt ist eine ganze "
            "Zahl von 1 bis 5. Korrigiere den Wert und führe die Zelle noch einmal aus. "
            "Es wurde nicht verändert. Die letzte gute Version ist vom "
        ),
    ) as info:
        Workbook.open(path)
    assert str(info.value).endswith(offer(path))
    assert path.read_bytes() == broken


def test_content_with_a_missing_part(good):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["project"]
    break_file(path, json.dumps(doc).encode())
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"„{path}“ ist beschädigt: Der Teil `project` fehlt oder ist kein Objekt ({{…}})."
        ),
    ):
        Workbook.open(path)


def test_content_with_a_dangling_reference(good):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["project"]["touchpoints"][0]["persona_ids"] = ["per-weg"]
    break_file(path, json.dumps(doc).encode())
    with pytest.raises(WorkbookError, match=exact("verweist auf „per-weg“")):
        Workbook.open(path)


def test_hand_made_broken_file_without_versions(tmp_path):
    path = tmp_path / "handarbeit.cjm.json"
    path.write_text("{ kaputt", encoding="utf-8")
    with pytest.raises(
        WorkbookError,
        match=exact(
            "Eine frühere Version gibt es nicht. Öffne die Datei in einem Texteditor und behebe "
            "den Fehler, oder lege mit einem neuen Dateinamen ein neues Arbeitsbuch an."
        ),
    ) as info:
        Workbook.open(path)
    assert info.value.last_good is None
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Für „{path}“ gibt es keine frühere gute Version, die sich wiederherstellen lässt."
        ),
    ):
        Workbook.recover(path)
    assert path.read_text(encoding="utf-8") == "{ kaputt"


@pytest.mark.parametrize("found", [SCHEMA_VERSION + 1, 99])
def test_newer_schema_is_refused_and_left_alone(good, found):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["schema_version"] = found
    newer = break_file(path, json.dumps(doc, indent=1).encode())
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Das Arbeitsbuch „{path}“ hat das Schema {found}, diese Version von cjmlib kennt nur "
            f"bis {SCHEMA_VERSION}. Es wurde nicht verändert. Aktualisiere cjmlib (z. B. mit "
            "`make lab` im aktuellen Kursordner) und öffne es dann erneut."
        ),
    ) as info:
        Workbook.open(path)
    assert info.value.path == str(path)
    assert path.read_bytes() == newer


def test_newer_schema_is_not_overwritten_by_an_older_open_workbook(good, wb):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["schema_version"] = SCHEMA_VERSION + 1
    newer = break_file(path, json.dumps(doc).encode())
    with pytest.raises(WorkbookError, match=exact(f"hat das Schema {SCHEMA_VERSION + 1}")):
        add_tp(wb, "Noch einer")
    assert path.read_bytes() == newer


@pytest.mark.parametrize("found", [str(SCHEMA_VERSION), 0, -1, None, True, 1.5])
def test_unknown_schema_version(good, found):
    path, _ = good
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["schema_version"] = found
    data = break_file(path, json.dumps(doc).encode())
    with pytest.raises(
        WorkbookError,
        match=exact(
            f"Das Arbeitsbuch „{path}“ hat eine unbekannte Schemaversion ({found!r}). "
            f"Erwartet wird eine ganze Zahl von 1 bis {SCHEMA_VERSION}."
        ),
    ):
        Workbook.open(path)
    assert path.read_bytes() == data


def test_broken_file_is_never_overwritten_by_a_later_save(good, wb):
    path, _ = good
    calls = []
    wb.on_change(lambda book, note: calls.append(note))
    broken = break_file(path, path.read_bytes()[:200])
    attempts = [
        lambda: add_tp(wb, "Neu"),
        lambda: wb.touchpoints.update("Kasse", relevance=1),
        lambda: wb.touchpoints.remove("Kasse"),
        lambda: wb.set_goal(business_goal="x"),
        lambda: wb.set_phase_model(
            "vier_phasen", mapping={"Kauf": "Aktion", "Überlegung": "Information"}
        ),
        lambda: wb.snapshot("Iteration 1"),
        lambda: wb.set_progress("kapitel_01", done=True),
    ]
    for attempt in attempts:
        with pytest.raises(WorkbookError, match=exact(f"„{path}“ ist beschädigt")):
            attempt()
        assert path.read_bytes() == broken
    with pytest.raises(WorkbookError, match=exact(f"„{path}“ ist beschädigt")):
        with wb.batch():
            add_tp(wb, "Im Stapel")
    assert path.read_bytes() == broken
    assert calls == []


def test_recover_restores_the_last_good_version_and_keeps_the_broken_file(good):
    path, project = good
    broken = break_file(path, path.read_bytes()[:-40])
    recovered = Workbook.recover(path)
    assert recovered.project == project
    assert recovered.recovered_from.revision == 3
    kept = list(path.parent.glob(f"{path.name}.defekt-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == broken
    assert re.fullmatch(re.escape(path.name) + r"\.defekt-\d{8}-\d{6}", kept[0].name)
    assert re.fullmatch(
        r"Das Arbeitsbuch wurde aus der Version vom \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d "
        r"wiederhergestellt\. Die beschädigte Datei liegt als „"
        + re.escape(kept[0].name)
        + r"“ daneben\.",
        recovered.recovery_message,
    )
    # the recovered workbook is a normal one again
    add_tp(recovered, "Nach der Rettung")
    assert len(Workbook.open(path).touchpoints) == 3
    assert kept[0].read_bytes() == broken


def test_recover_twice_keeps_both_broken_files(good):
    path, _ = good
    first = break_file(path, b"erste Panne")
    Workbook.recover(path)
    second = break_file(path, b"zweite Panne")
    Workbook.recover(path)
    kept = sorted(p.read_bytes() for p in path.parent.glob(f"{path.name}.defekt-*"))
    assert kept == sorted([first, second])


def test_recover_skips_broken_versions(good):
    path, _ = good
    versions = Workbook.versions_dir(path)
    newest = sorted(versions.iterdir())[-1]
    newest.write_bytes(b"{")
    break_file(path, b"")
    with pytest.raises(WorkbookError) as info:
        Workbook.open(path)
    assert Path(info.value.last_good).name.startswith("r000002_")
    recovered = Workbook.recover(path)
    assert [t.name for t in recovered.touchpoints] == ["Kasse"]


def test_leftover_temp_file_is_not_taken_for_the_workbook(good):
    path, project = good
    stray = path.parent / f".{path.name}.abc123.tmp"
    stray.write_bytes(path.read_bytes()[:100])
    assert Workbook.open(path).project == project
    add_tp(Workbook.open(path), "Danach")
    assert len(Workbook.open(path).touchpoints) == 3


def test_switching_phase_models_never_drops_the_phase_of_pain_points_or_feedback(tmp_path):
    """Does a pain point or feedback item without a home in the new model block the switch?"""
    book = Workbook.open(tmp_path / "phasen.cjm.json")
    tp = book.touchpoints.add(name="Kasse", phase="Kauf", channel="Filiale")
    book.pain_points.add(title="Lange Schlange", phase="Nachkauf", touchpoint_ids=[tp.id])
    book.feedback.add(text="Rückgabe war mühsam", phase="Nachkauf")
    before = book.path.read_bytes()
    expected = (
        r"keine Phase für 2 Einträge \(Touchpoints, Pain Points oder Feedback\)"
        r" aus den Phasen Nachkauf"
    )
    with pytest.raises(CJMError, match=expected):
        book.set_phase_model(["Aktivierung", "Information", "Kauf", "Bindung"])
    assert book.path.read_bytes() == before
    book.set_phase_model(
        ["Aktivierung", "Information", "Kauf", "Bindung"], mapping={"Nachkauf": "Bindung"}
    )
    assert book.pain_points[0].phase == "bindung"
    assert book.feedback[0].phase == "bindung"
    assert book.touchpoints[0].phase == "kauf"
