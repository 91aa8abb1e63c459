"""Is the sample content data, read strictly, the one source of the shipped sample files?

The industries' content lives in YAML files (``cjmlib/datasets/industries/<key>/``). These
tests regenerate every shipped file from them and compare bytes, prove that a new
industry is one more folder, and check that a slip in a data file is an error that
names the file, the line, the key and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from cjmlib import datasets
from cjmlib.datasets import generate
from cjmlib.datasets.industry_data import (
    FILES,
    INDUSTRIES_DIR,
    catalogue,
    load_industry,
    period_keys,
)
from cjmlib.datasets.schema import TABLES
from cjmlib.datasets.settings import SimulationSettings, TouchpointBehaviour
from cjmlib.datasets.simulate import normalise
from cjmlib.datasets.yamlfile import YamlFile
from cjmlib.errors import CJMError
from cjmlib.model import JourneyProject, Touchpoint
from cjmlib.workbook import Workbook
from tests.conftest import ROOT

Edit = Callable[[str, str, str], int]


# -- the shipped files come from the data, byte for byte -------------------------------------


@pytest.fixture(scope="session")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every industry and period generated once from its data files (about 55 s of CPU;
    two industries at a time, so about 30 s on two cores)."""
    out = tmp_path_factory.mktemp("regenerated")
    generate.main(["--out", str(out), "--jobs", "2"])
    return out


@pytest.mark.slow
def test_every_shipped_file_regenerates_byte_for_byte(regenerated: Path) -> None:
    shipped = sorted(p.name for p in datasets.DATA_DIR.iterdir())
    assert sorted(p.name for p in regenerated.iterdir()) == shipped
    # every industry has a later data period (chapter 12's review), so its files are compared too
    assert all(period_keys(key) for key in catalogue())
    periods = sum(len(period_keys(key)) for key in catalogue())
    assert len(shipped) == 5 * len(catalogue()) + 4 * periods
    different = [
        name
        for name in shipped
        if (regenerated / name).read_bytes() != (datasets.DATA_DIR / name).read_bytes()
    ]
    assert different == []


def test_the_loaded_project_is_the_shipped_workbook() -> None:
    """The fast half of the byte check: data files -> the same validated project."""
    for key in catalogue():
        assert load_industry(key).project == datasets.load(key, "workbook")


def test_package_data_ships_every_data_file() -> None:
    """A data file that setuptools would leave out of the wheel fails here."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["cjmlib"]
    package = ROOT / "cjmlib"
    data = [
        p.relative_to(package).as_posix()
        for p in (package / "datasets").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")
    ]
    assert data, "no data files found"
    unshipped = [f for f in data if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert unshipped == []


# -- a sixth industry is one folder ------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A folder of industry folders holding a copy of the running case."""
    folder = tmp_path / "branchen"
    shutil.copytree(INDUSTRIES_DIR / "einzelhandel", folder / "einzelhandel")
    return folder


@pytest.fixture
def edit(root: Path) -> Edit:
    """Replace the first ``old`` by ``new`` in a data file of the copy; return its line."""

    def replace(file: str, old: str, new: str) -> int:
        path = root / "einzelhandel" / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text[: text.index(old)].count("\n") + 1

    return replace


def test_a_sixth_industry_is_one_more_folder(root: Path, tmp_path: Path) -> None:
    new = root / "fahrradhandel"
    shutil.copytree(root / "einzelhandel", new)
    shutil.rmtree(root / "einzelhandel")
    shutil.rmtree(new / "periods", ignore_errors=True)  # a new industry starts with one period
    info = (new / "industry.yaml").read_text(encoding="utf-8")
    info = info.replace("order: 1", "order: 6").replace("de: Einzelhandel", "de: Fahrradhandel")
    (new / "industry.yaml").write_text(info, encoding="utf-8")
    sim = (new / "simulation.yaml").read_text(encoding="utf-8")
    (new / "simulation.yaml").write_text(sim.replace("customers: 7500", "customers: 900"))

    assert list(catalogue(root)) == ["fahrradhandel"]
    out = tmp_path / "daten"
    generate.main(["--industries", str(root), "--out", str(out)])

    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(
        ["fahrradhandel.cjm.json"] + [f"fahrradhandel_{kind}.parquet" for kind in TABLES]
    )
    wb = Workbook.open(out / "fahrradhandel.cjm.json")
    project = wb.project
    assert project.industry == "Fahrradhandel"
    assert project.name == datasets.load("einzelhandel", "workbook").name
    JourneyProject.model_validate(project.model_dump())
    events = normalise("events", pd.read_parquet(out / "fahrradhandel_events.parquet"))
    assert list(events.columns) == TABLES["events"].names
    assert len(events) > 5000
    assert set(events["touchpoint_id"]) <= {tp.id for tp in project.touchpoints}
    assert events["customer_id"].str.fullmatch(r"G\d{6}").all()
    customers = pd.read_parquet(out / "fahrradhandel_customers.parquet")
    assert set(customers["segment_id"]) == {s.id for s in project.segments}


# -- a slip in a data file is an error with file, line and key ----------------------------------


def _error(root: Path) -> str:
    with pytest.raises(CJMError) as info:
        load_industry("einzelhandel", root)
    return info.value.message


def test_a_misspelled_key_names_file_line_key_and_the_allowed_keys(root: Path, edit: Edit) -> None:
    line = edit("touchpoints.yaml", "  relevance: 3\n", "  relevanz: 3\n")
    message = _error(root)
    path = root / "einzelhandel" / "touchpoints.yaml"
    assert message == (
        f"{path}, Zeile {line}: Einen Schlüssel `relevanz` gibt es in „Touchpoint“ nicht; "
        "er würde sonst stillschweigend übergangen. Erlaubt sind: "
        + ", ".join(Touchpoint.model_fields)
        + ". Prüfe die Schreibweise."
    )


def test_a_misspelled_simulation_setting_is_no_longer_ignored(root: Path, edit: Edit) -> None:
    """The old settings dict read ``.get("boost", 0.0)``: a typo silently meant 0."""
    line = edit("simulation.yaml", "advance_boost: 1.4", "advance_bost: 1.4")
    message = _error(root)
    assert message.startswith(f"{root / 'einzelhandel' / 'simulation.yaml'}, Zeile {line}: ")
    assert "`advance_bost` gibt es in „Touchpoint-Verhalten“ nicht" in message
    assert "Erlaubt sind: " + ", ".join(TouchpointBehaviour.model_fields) in message


def test_a_key_outside_a_closed_set_lists_the_choices(root: Path, edit: Edit) -> None:
    line = edit("simulation.yaml", "devices: {Smartphone: 0.55", "devices: {Smartfone: 0.55")
    message = _error(root)
    assert f"simulation.yaml, Zeile {line}: Einen Schlüssel `Smartfone`" in message
    assert "Erlaubt sind: Smartphone, Desktop, Tablet." in message


def test_a_wrong_value_says_what_is_allowed(root: Path, edit: Edit) -> None:
    line = edit("personas.yaml", "  age: 36\n", "  age: sechsunddreißig\n")
    message = _error(root)
    assert message.endswith(
        f"personas.yaml, Zeile {line}: `age` hat den Wert 'sechsunddreißig'. "
        "Erlaubt ist eine ganze Zahl von 14 bis 110. Korrigiere den Wert."
    )


def test_a_missing_key_names_the_item(root: Path, edit: Edit) -> None:
    line = edit("simulation.yaml", "    complete: 0.88\n", "")
    message = _error(root)
    assert f"simulation.yaml, Zeile {line - 2}: In „Kaufweg“ fehlt der Schlüssel `complete`" in (
        message
    )


def test_a_dangling_id_is_found_in_its_file_and_line(root: Path, edit: Edit) -> None:
    line = edit("needs.yaml", "persona_id: per-markus", "persona_id: per-marcus")
    message = _error(root)
    assert message.startswith(f"{root / 'einzelhandel' / 'needs.yaml'}, Zeile {line}: ")
    assert "per-marcus" in message and "per-markus (Markus Brandt)" in message


def test_a_setting_that_names_an_unknown_touchpoint_lists_the_touchpoints(
    root: Path, edit: Edit
) -> None:
    line = edit("simulation.yaml", "followed_by: tp-hotline-warten", "followed_by: tp-hotline-wart")
    message = _error(root)
    assert message.startswith(f"{root / 'einzelhandel' / 'simulation.yaml'}, Zeile {line}: ")
    assert "„tp-hotline-wart“ gibt es unter den Touchpoints dieser Branche nicht" in message
    assert "tp-hotline-warten" in message.split("Möglich sind: ")[1]


def test_settings_must_fit_the_phase_model(root: Path, edit: Edit) -> None:
    edit("simulation.yaml", "advance: [0.74, 0.56, 0.6, 0.55]", "advance: [0.74, 0.56, 0.6]")
    edit("simulation.yaml", "  nachkauf: 90\n", "")
    edit("industry.yaml", "biggest_leak: entscheidung", "biggest_leak: Entscheidung")
    message = _error(root)
    assert message.startswith(f"In {root / 'einzelhandel'} stehen 3 Fehler:\n- ")
    assert "`advance` braucht 4 Werte" in message and "angegeben sind 3" in message
    assert "Unter `gap_hours` fehlen Einträge für: nachkauf." in message
    assert "„Entscheidung“ gibt es unter den Phasen dieser Branche nicht" in message


def test_every_problem_is_reported_at_once(root: Path, edit: Edit) -> None:
    edit("touchpoints.yaml", "  relevance: 3\n", "  relevanz: 3\n")
    edit("touchpoints.yaml", "  emotion: -1\n", "  emotion: -3\n")
    edit("segments.yaml", "  priority: 5\n", "  prioritaet: 5\n")
    with pytest.raises(CJMError) as info:
        load_industry("einzelhandel", root)
    assert len(info.value.details) == 3
    assert "stehen 3 Fehler" in info.value.message


def test_a_repeated_key_is_an_error_not_a_silent_overwrite(root: Path, edit: Edit) -> None:
    line = edit("simulation.yaml", "customers: 7500\n", "customers: 7500\ncustomers: 750\n")
    message = _error(root)
    assert message.startswith(
        f"{root / 'einzelhandel' / 'simulation.yaml'}, Zeile {line + 1}: "
        f"Den Schlüssel `customers` gibt es hier zweimal (zuerst in Zeile {line})."
    )


def test_broken_yaml_names_the_line(root: Path, edit: Edit) -> None:
    line = edit("segments.yaml", "  priority: 5\n", "  priority: [5\n")
    message = _error(root)
    assert re.match(r".*segments\.yaml, Zeile \d+: Diese Datei ist kein gültiges YAML", message)
    assert int(message.split("Zeile ")[1].split(":")[0]) >= line


def test_a_misspelled_or_missing_file_is_named(root: Path) -> None:
    folder = root / "einzelhandel"
    (folder / "touchpoints.yaml").rename(folder / "touchpoint.yaml")
    message = _error(root)
    assert "Die Datei `touchpoint.yaml` gehört nicht zu den Daten einer Branche" in message
    assert "Es fehlt die Datei `touchpoints.yaml`" in message
    assert ", ".join(FILES) in message


def test_an_unknown_industry_folder_lists_the_present_ones(root: Path) -> None:
    with pytest.raises(CJMError, match=r"branchen/gibtsnicht gibt es nicht\. Vorhanden sind: "):
        load_industry("gibtsnicht", root)


def test_yaml_1_1_surprises_stay_text(tmp_path: Path) -> None:
    """``no``, ``on``, ``12:30`` and ``007`` are text in our files, as a reader expects."""
    path = tmp_path / "probe.yaml"
    path.write_text(
        "a: no\nb: On\nc: 12:30\nd: 007\ne: 2026-01-05\nf: true\ng: 1.5\nh: 3\ni: 1e3\nj: ~\n",
        encoding="utf-8",
    )
    assert YamlFile.read(path).data == {
        "a": "no",
        "b": "On",
        "c": "12:30",
        "d": "007",
        "e": dt.date(2026, 1, 5),
        "f": True,
        "g": 1.5,
        "h": 3,
        "i": "1e3",
        "j": None,
    }


def test_simulation_defaults_are_fields_not_hidden_gets() -> None:
    """What a touchpoint without settings does is readable from the model."""
    fields = TouchpointBehaviour.model_fields
    assert {name: f.default for name, f in fields.items()} == {
        "weight": 1.0,
        "advance_boost": 0.0,
        "repeat_boost": 0.0,
        "survey_rate": 0.075,
        "followed_by": None,
    }
    sim = load_industry("einzelhandel").simulation
    assert isinstance(sim, SimulationSettings)
    assert list(sim.regions) == ["Süd", "West", "Nord", "Ost"]  # the default, in draw order
    assert sim.behaviour("tp-gibt-es-nicht") == TouchpointBehaviour()


def test_shipped_workbook_names_its_industry_from_the_catalogue() -> None:
    for key, info in catalogue().items():
        doc = json.loads(datasets.workbook_path(key).read_text(encoding="utf-8"))
        assert doc["project"]["industry"] == info.name.de
