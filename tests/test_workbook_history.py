"""History of a workbook: kept versions, named snapshots, comparison, batches, removal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cjmlib.errors import CJMError
from cjmlib.messages import set_language
from cjmlib.workbook import MAX_VERSIONS, ProjectDiff, Workbook


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
    return Workbook.open(path)


def add_tp(wb: Workbook, name: str, phase: str = "Kauf", **fields):
    return wb.touchpoints.add(name=name, phase=phase, channel="Filiale", **fields)


# -- kept versions ------------------------------------------------------------------------


def test_every_save_is_kept_as_a_version(wb):
    add_tp(wb, "Kasse")
    wb.touchpoints.update("Kasse", relevance=5)
    history = wb.history()
    assert [v.revision for v in history] == [1, 2, 3]
    assert history[-1].revision == wb.revision
    assert wb.version(1).touchpoints == []
    assert wb.version(2).touchpoints[0].relevance == 3
    assert wb.version(3).touchpoints[0].relevance == 5
    for version in history:
        doc = json.loads(version.path.read_text(encoding="utf-8"))
        assert doc["revision"] == version.revision
        assert doc["saved_at"].startswith(version.saved_at[:10])


def test_history_is_bounded(wb):
    extra = 7
    for i in range(MAX_VERSIONS + extra - 1):  # plus the creation = MAX_VERSIONS + extra saves
        wb.set_project_info(description=f"Stand {i}")
    history = wb.history()
    assert len(history) == MAX_VERSIONS
    assert [v.revision for v in history] == list(range(extra + 1, MAX_VERSIONS + extra + 1))
    assert len(list(Workbook.versions_dir(wb.path).glob("r*.json"))) == MAX_VERSIONS
    allowed = ", ".join(str(v.revision) for v in history)
    with pytest.raises(
        CJMError,
        match=exact(f"Eine Version 1 ist nicht mehr gespeichert. Vorhanden sind: {allowed}."),
    ) as info:
        wb.version(1)
    assert info.value.field == "revision"


def test_restore_version_saves_the_old_state_as_a_new_revision(wb):
    add_tp(wb, "Kasse")
    add_tp(wb, "App")
    wb.restore_version(2)
    assert [t.name for t in wb.touchpoints] == ["Kasse"]
    assert wb.revision == 4
    assert [t.name for t in wb.version(3).touchpoints] == ["Kasse", "App"]


# -- snapshots ------------------------------------------------------------------------------


def test_snapshot_list_and_reopen(wb, path):
    add_tp(wb, "Kasse")
    info = wb.snapshot("Iteration 1")
    assert info.name == "Iteration 1"
    assert info.revision == wb.revision
    add_tp(wb, "App")
    wb.snapshot("  Iteration 2  ")
    names = [s.name for s in Workbook.open(path).snapshots()]
    assert names == ["Iteration 1", "Iteration 2"]
    assert [t.name for t in wb.snapshot_project("Iteration 1").touchpoints] == ["Kasse"]


def test_snapshot_name_must_be_new_unless_overwrite(wb):
    wb.snapshot("Iteration 1")
    with pytest.raises(
        CJMError,
        match=exact(
            "Einen Stand „Iteration 1“ gibt es schon. Wähle einen anderen Namen oder überschreibe "
            "ihn mit `overwrite=True`."
        ),
    ):
        wb.snapshot("Iteration 1")
    add_tp(wb, "Kasse")
    wb.snapshot("Iteration 1", overwrite=True)
    assert [s.name for s in wb.snapshots()] == ["Iteration 1"]
    assert len(wb.snapshot_project("Iteration 1").touchpoints) == 1


def test_snapshot_needs_a_name(wb):
    with pytest.raises(CJMError, match=exact("(`name`) hat den Wert ''")):
        wb.snapshot("   ")
    assert wb.snapshots() == []


def test_unknown_snapshot(wb):
    with pytest.raises(
        CJMError,
        match=exact(
            "Einen Stand „Iteration 9“ gibt es in diesem Arbeitsbuch nicht. "
            "Vorhanden sind: (noch keine angelegt)."
        ),
    ):
        wb.snapshot_project("Iteration 9")
    wb.snapshot("Iteration 1")
    with pytest.raises(CJMError, match=exact("Vorhanden sind: Iteration 1.")):
        wb.restore("Iteration 9")


@pytest.fixture
def changed(wb):
    """Snapshot "Iteration 1", then one addition, two changes and one removal."""
    add_tp(wb, "Kasse", relevance=3)
    add_tp(wb, "Plakat", phase="Bewusstsein")
    wb.personas.add(name="Lena")
    wb.snapshot("Iteration 1")
    add_tp(wb, "App", phase="Nachkauf")
    wb.touchpoints.update("Kasse", relevance=5, notes="Schlange am Samstag")
    wb.touchpoints.remove("Plakat")
    wb.set_goal(business_goal="Weniger Abbrüche")
    return wb


def test_compare_snapshot_with_the_current_state(changed):
    diff = changed.compare("Iteration 1")
    assert isinstance(diff, ProjectDiff)
    assert (diff.before_label, diff.after_label) == ("Iteration 1", "aktueller Stand")
    assert [(c.collection, c.title) for c in diff.added] == [("touchpoints", "App")]
    assert [(c.collection, c.title) for c in diff.removed] == [("touchpoints", "Plakat")]
    by_title = {c.title: c for c in diff.changed}
    assert set(by_title) == {"Kasse", "Ziel"}
    assert by_title["Kasse"].fields == (("relevance", 3, 5), ("notes", "", "Schlange am Samstag"))
    assert by_title["Ziel"].fields == (("business_goal", "", "Weniger Abbrüche"),)
    assert diff.summary() == "1 hinzugefügt, 2 geändert, 1 entfernt"
    assert bool(diff)


def test_compare_table_is_german(changed):
    frame = changed.compare("Iteration 1").to_frame()
    assert list(frame.columns) == ["Art", "Bereich", "Eintrag", "Details"]
    rows = {(r.Art, r.Bereich, r.Eintrag): r.Details for r in frame.itertuples()}
    assert rows[("hinzugefügt", "Touchpoints", "App")] == ""
    assert rows[("entfernt", "Touchpoints", "Plakat")] == ""
    assert rows[("geändert", "Touchpoints", "Kasse")] == (
        "Relevanz: 3 → 5; Notizen: leer → „Schlange am Samstag“"
    )
    assert rows[("geändert", "Journey-Projekt", "Ziel")] == (
        "Unternehmensziel: leer → „Weniger Abbrüche“"
    )


def test_compare_two_snapshots_and_revisions(changed):
    changed.snapshot("Iteration 2")
    diff = changed.compare("Iteration 1", "Iteration 2")
    assert diff.summary() == "1 hinzugefügt, 2 geändert, 1 entfernt"
    backwards = changed.compare("Iteration 2", "Iteration 1")
    assert backwards.summary() == "1 hinzugefügt, 2 geändert, 1 entfernt"
    assert [c.title for c in backwards.added] == ["Plakat"]
    assert not changed.compare("Iteration 2")
    assert changed.compare(None).summary() == "0 hinzugefügt, 0 geändert, 0 entfernt"
    rev = changed.revision  # the snapshot; the goal was set one save before
    assert not changed.compare(rev - 1, rev)
    assert [c.title for c in changed.compare(rev - 2, rev).changed] == ["Ziel"]


def test_restore_snapshot_keeps_the_state_before_in_the_history(changed, path):
    before = changed.project
    revision_before = changed.revision
    restored = changed.restore("Iteration 1")
    assert restored == changed.snapshot_project("Iteration 1")
    assert sorted(t.name for t in restored.touchpoints) == ["Kasse", "Plakat"]
    assert changed.revision == revision_before + 1
    assert changed.version(revision_before) == before
    assert Workbook.open(path).project == restored
    assert [s.name for s in changed.snapshots()] == ["Iteration 1"]


# -- batches ----------------------------------------------------------------------------------


def test_batch_saves_once(wb, path):
    calls = []
    wb.on_change(lambda book, note: calls.append(note))
    start = wb.revision
    with wb.batch():
        wb.personas.add(name="Lena")
        add_tp(wb, "Kasse", persona_ids=[wb.personas["Lena"].id])
        wb.touchpoints.update("Kasse", relevance=5)
        assert len(wb.touchpoints) == 1  # the batch sees its own changes
        with wb.batch():  # nested batches join the outer one
            add_tp(wb, "App")
    assert wb.revision == start + 1
    assert calls == ["batch"]
    again = Workbook.open(path)
    assert [t.name for t in again.touchpoints] == ["Kasse", "App"]
    assert again.touchpoints["Kasse"].relevance == 5


def test_batch_is_all_or_nothing_on_invalid_values(wb, path):
    add_tp(wb, "Alt")
    before, revision = path.read_bytes(), wb.revision
    with pytest.raises(CJMError, match=exact("(`emotion`) hat den Wert 5")), wb.batch():
        add_tp(wb, "Kasse")
        wb.touchpoints.update("Alt", relevance=1)
        add_tp(wb, "Kaputt", emotion=5)
    assert path.read_bytes() == before
    assert wb.revision == revision
    assert [t.name for t in wb.touchpoints] == ["Alt"]
    assert wb.touchpoints["Alt"].relevance == 3


def test_batch_is_all_or_nothing_on_any_exception(wb, path):
    before = path.read_bytes()
    with pytest.raises(ZeroDivisionError), wb.batch():
        add_tp(wb, "Kasse")
        1 / 0  # noqa: B018
    assert path.read_bytes() == before
    assert len(wb.touchpoints) == 0
    add_tp(wb, "Danach")  # the workbook works normally afterwards
    assert len(Workbook.open(path).touchpoints) == 1


# -- removal --------------------------------------------------------------------------------


@pytest.fixture
def linked(wb):
    seg = wb.segments.add(name="Familien")
    lena = wb.personas.add(name="Lena", segment_id=seg.id)
    wb.needs.add(need="Beratung", persona_id=lena.id)
    kasse = add_tp(wb, "Kasse", persona_ids=[lena.id])
    wb.pain_points.add(title="Schlange", touchpoint_ids=[kasse.id], persona_ids=[lena.id])
    wb.feedback.add(text="Zu voll", touchpoint_id=kasse.id)
    return wb


def test_remove_refuses_while_referenced(linked, path):
    before = path.read_bytes()
    with pytest.raises(
        CJMError,
        match=exact(
            "Persona „Lena“ wird noch verwendet von: Beratung (Bedürfnisse), Kasse (Touchpoints), "
            "Schlange (Pain Points). Entferne erst diese Verweise oder lösche mit `cascade=True` "
            "auch die Verweise."
        ),
    ):
        linked.personas.remove("Lena")
    with pytest.raises(
        CJMError,
        match=exact(
            "Touchpoint „Kasse“ wird noch verwendet von: Schlange (Pain Points), Zu voll "
            "(Feedback)."
        ),
    ):
        linked.touchpoints.remove("Kasse")
    with pytest.raises(
        CJMError, match=exact("Zielgruppe „Familien“ wird noch verwendet von: Lena (Personas).")
    ):
        linked.segments.remove("Familien")
    assert path.read_bytes() == before
    assert "Lena" in linked.personas


def test_remove_with_cascade_removes_only_the_references(linked, path):
    gone = linked.personas.remove("Lena", cascade=True)
    assert gone.name == "Lena"
    again = Workbook.open(path)
    assert "Lena" not in again.personas
    assert again.needs["Beratung"].persona_id is None
    assert again.touchpoints["Kasse"].persona_ids == []
    assert again.pain_points["Schlange"].persona_ids == []
    assert again.pain_points["Schlange"].touchpoint_ids == [again.touchpoints["Kasse"].id]
    linked.touchpoints.remove("Kasse", cascade=True)
    again = Workbook.open(path)
    assert again.feedback["Zu voll"].touchpoint_id is None
    assert again.pain_points["Schlange"].touchpoint_ids == []


def test_remove_unreferenced_and_unknown(linked):
    linked.feedback.remove("Zu voll")
    assert len(linked.feedback) == 0
    with pytest.raises(CJMError, match=exact("In Feedback gibt es keinen Eintrag „Zu voll“.")):
        linked.feedback.remove("Zu voll")
