"""Older workbook files (schema 1) are migrated to the current schema; the original is kept."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cjmlib.errors import WorkbookError
from cjmlib.messages import set_language
from cjmlib.workbook import SCHEMA_VERSION, Workbook
from cjmlib.workbook.migrations import migrate

SCHEMA_1 = {
    "format": "cjm-werkstatt-workbook",
    "schema_version": 1,
    "revision": 7,
    "saved_at": "2025-03-01T10:00:00+01:00",
    "name": "Altes Projekt",
    "industry": "Einzelhandel",
    "description": "Aus dem ersten Kursentwurf – mit Umlauten: Größe, Übersicht",
    "phases": ["Bewusstsein", "Überlegung", "Kauf", "Nachkauf"],
    "personas": [{"id": "per-1", "name": "Lena", "age": 34}],
    "touchpoints": [
        {
            "id": "tp-1",
            "name": "Kasse",
            "phase": "Kauf",
            "channel": "Filiale",
            "emotion": 1,
            "persona_ids": ["per-1"],
        },
        {
            "id": "tp-2",
            "name": "Website",
            "phase": "Überlegung",
            "channel": "Website",
            "emotion": 3,
        },
        {
            "id": "tp-3",
            "name": "Newsletter",
            "phase": "Nachkauf",
            "channel": "E-Mail",
            "emotion": 5,
        },
        {"id": "tp-4", "name": "Plakat", "phase": "Bewusstsein", "channel": "Print"},
    ],
}


@pytest.fixture(autouse=True)
def german():
    set_language("de")
    yield
    set_language("de")


@pytest.fixture
def old_file(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "alt.cjm.json"
    raw = json.dumps(SCHEMA_1, ensure_ascii=False, indent=2).encode()
    path.write_bytes(raw)
    return path, raw


def test_migrate_function_moves_fields_phases_and_emotions():
    doc, found = migrate(copy.deepcopy(SCHEMA_1))
    assert found == 1
    assert doc["schema_version"] == SCHEMA_VERSION == 3
    assert doc["revision"] == 7
    assert doc["snapshots"] == []
    project = doc["project"]
    assert project["name"] == "Altes Projekt"
    assert "phases" not in project
    assert "format" not in project and "schema_version" not in project
    assert project["phase_model"]["phases"] == SCHEMA_1["phases"]
    assert [t.get("emotion") for t in project["touchpoints"]] == [-2, 0, 2, None]


def test_current_documents_are_not_touched_by_migrate():
    doc = {"format": "cjm-werkstatt-workbook", "schema_version": SCHEMA_VERSION, "project": {}}
    assert migrate(copy.deepcopy(doc)) == (doc, SCHEMA_VERSION)


def test_open_migrates_a_schema_1_file(old_file):
    path, _ = old_file
    wb = Workbook.open(path)
    project = wb.project
    assert project.name == "Altes Projekt"
    assert project.description.endswith("Größe, Übersicht")
    assert project.phase_model.names == ["Bewusstsein", "Überlegung", "Kauf", "Nachkauf"]
    assert project.phase_model.ids == ["bewusstsein", "ueberlegung", "kauf", "nachkauf"]
    assert [(t.phase, t.emotion) for t in project.touchpoints] == [
        ("kauf", -2),
        ("ueberlegung", 0),
        ("nachkauf", 2),
        ("bewusstsein", 0),
    ]
    assert wb.personas["Lena"].age == 34
    assert wb.revision == 7


def test_the_original_is_kept_as_schema1_bak(old_file):
    path, raw = old_file
    Workbook.open(path)
    backup = path.with_name("alt.cjm.json.schema1.bak")
    assert backup.read_bytes() == raw
    # opening alone does not rewrite the file
    assert path.read_bytes() == raw


def test_first_save_writes_the_current_schema_and_the_backup_stays(old_file):
    path, raw = old_file
    wb = Workbook.open(path)
    wb.touchpoints.update("Kasse", emotion=-1)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["revision"] == 8
    assert doc["project"]["touchpoints"][0]["emotion"] == -1
    assert doc["project"]["phase_model"]["phases"][1]["name"] == "Überlegung"
    assert path.with_name("alt.cjm.json.schema1.bak").read_bytes() == raw
    again = Workbook.open(path)
    assert again.project == wb.project
    assert [t.emotion for t in again.touchpoints] == [-1, 0, 2, 0]


def test_backup_is_never_overwritten(old_file):
    path, raw = old_file
    Workbook.open(path)
    other = dict(SCHEMA_1, name="Zweite Fassung")
    path.write_bytes(json.dumps(other).encode())
    Workbook.open(path)
    assert path.with_name("alt.cjm.json.schema1.bak").read_bytes() == raw


def test_schema_1_with_an_invalid_value_is_reported(tmp_path):
    path = tmp_path / "alt.cjm.json"
    doc = copy.deepcopy(SCHEMA_1)
    doc["touchpoints"][0]["emotion"] = 9  # 9 - 3 = 6, outside -2..2
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(
        WorkbookError,
        match="Der Inhalt passt nicht zum Modell: Touchpoint: "
        "Das Feld „Emotion“ \\(`emotion`\\) hat den Wert 6",
    ):
        Workbook.open(path)


def test_schema_1_with_too_few_phases_is_reported(tmp_path):
    path = tmp_path / "alt.cjm.json"
    doc = copy.deepcopy(SCHEMA_1)
    doc["phases"] = ["Vorher", "Nachher"]
    doc["touchpoints"] = []
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(WorkbookError, match="Phasenmodell: Es hat 2 Phasen"):
        Workbook.open(path)
