"""Does the shipped sample data load, match the schema and hang together?"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from pandas.api.types import is_string_dtype

from cjmlib import datasets
from cjmlib.datasets import INDUSTRIES
from cjmlib.datasets.industry_data import catalogue
from cjmlib.datasets.schema import EVENT_DEVICES, GENDERS, TABLES, Column
from cjmlib.errors import CJMError
from cjmlib.messages import set_language
from cjmlib.model import DEVICES, JourneyProject
from cjmlib.model import GENDERS as MODEL_GENDERS
from cjmlib.workbook import Workbook

ALL = list(INDUSTRIES)


def _check_dtype(series: pd.Series, column: Column) -> None:
    name = series.name
    if column.type == "string":
        assert is_string_dtype(series.dtype) and series.dtype != object, name
        assert series.notna().all(), name
        if column.values:
            assert set(series) <= set(column.values), (name, set(series) - set(column.values))
    elif column.type == "datetime":
        assert series.dtype == np.dtype("datetime64[ns]"), (name, series.dtype)
    elif column.type == "bool":
        assert series.dtype == bool, name
    elif column.type == "float":
        assert series.dtype == np.float64, name
    elif column.type == "Int64":
        assert series.dtype == pd.Int64Dtype(), name
    elif column.type == "int":
        assert series.dtype == np.int64, name
    elif column.type == "string_list":
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in series)
    else:  # pragma: no cover - a new schema type needs a check here
        pytest.fail(f"unknown schema type {column.type!r}")


def test_schema_value_sets_are_the_models():
    """The device of an event is a touchpoint's device; a gender is a persona's."""
    assert EVENT_DEVICES == DEVICES
    assert GENDERS == MODEL_GENDERS


@pytest.mark.parametrize("industry", ALL)
@pytest.mark.parametrize("kind", list(TABLES))
def test_tables_have_the_schema_columns_and_dtypes(industry, kind):
    df = datasets.load(industry, kind)
    table = TABLES[kind]
    assert list(df.columns) == table.names
    for column in table.columns:
        _check_dtype(df[column.name], column)


@pytest.mark.parametrize("industry", ALL)
def test_workbook_is_a_rich_valid_project(industry):
    project = datasets.load(industry, "workbook")
    assert isinstance(project, JourneyProject)
    JourneyProject.model_validate(project.model_dump())
    assert project.industry == INDUSTRIES[industry]
    assert project.goal.business_goal and project.goal.customer_goal
    assert 2 <= len(project.goal.kpis) <= 4
    assert 2 <= len(project.segments) <= 3
    for seg in project.segments:
        assert all(
            getattr(seg, c)
            for c in ("demographic", "geographic", "psychographic", "behavioural", "technographic")
        )
    assert 2 <= len(project.personas) <= 3
    kinds = set()
    for persona in project.personas:
        for field in (
            "quote",
            "age",
            "occupation",
            "location",
            "buying_habits",
            "online_activity",
            "needs_goals",
            "pain_points",
            "channels",
            "devices",
            "segment_id",
            "evidence",
        ):
            assert getattr(persona, field), (persona.id, field)
        assert persona.gender != "keine Angabe" and persona.income_band != "keine Angabe"
        kinds |= {e.kind for e in persona.evidence}
        needs = [n for n in project.needs if n.persona_id == persona.id]
        assert 4 <= len(needs) <= 6
    assert "Annahme" in kinds and len(kinds) >= 3
    assert any(n.underserved for n in project.needs)
    tps = project.touchpoints
    assert len(tps) >= 25
    assert {t.phase for t in tps} == set(project.phase_model.ids)
    assert {True, False} == {t.online for t in tps}
    assert len({t.channel for t in tps}) >= 5 and len({t.department for t in tps}) >= 4
    assert 2 <= sum(t.moment_of_truth for t in tps) <= 4
    assert 1 <= sum(t.hidden for t in tps) <= 3
    assert 5 <= len(project.pain_points) <= 8
    assert all(p.touchpoint_ids for p in project.pain_points)
    assert 4 <= len(project.solutions) <= 6
    assert all(s.pain_point_ids and s.owner and s.kpi for s in project.solutions)
    assert 3 <= len(project.hypotheses) <= 4
    assert 10 <= len(project.feedback) <= 20
    assert 4 <= len(project.actions) <= 6
    assert all(a.owner and a.department and a.due and a.kpi for a in project.actions)
    assert len(project.reviews) == 1


def test_running_case_uses_the_five_phase_preset():
    project = datasets.load("einzelhandel", "workbook")
    assert project.phase_model.preset == "fuenf_phasen"
    assert "Gipfelglück" in project.name
    assert datasets.load("telekommunikation", "workbook").phase_model.preset == "sechs_kategorien"


@pytest.mark.parametrize("industry", ALL)
def test_shipped_workbook_file_opens_as_a_workbook(industry, tmp_path):
    target = tmp_path / f"{industry}.cjm.json"
    shutil.copy(datasets.workbook_path(industry), target)
    wb = Workbook.open(target)
    assert wb.project.model_dump() == datasets.load(industry, "workbook").model_dump()


def test_open_workbook_creates_from_the_sample_and_then_keeps_edits(tmp_path):
    path = tmp_path / "fall.cjm.json"
    wb = datasets.open_workbook("einzelhandel", path)
    assert len(wb.touchpoints) == len(datasets.load("einzelhandel", "workbook").touchpoints)
    wb.personas.update("per-lena", quote="Geändert")
    again = datasets.open_workbook("einzelhandel", path)
    assert again.personas["per-lena"].quote == "Geändert"


@pytest.mark.parametrize("industry", ALL)
def test_sizes(industry):
    events = datasets.load(industry, "events")
    customers = datasets.load(industry, "customers")
    survey = datasets.load(industry, "survey")
    feedback = datasets.load(industry, "feedback")
    assert len(customers) >= 5000 and customers["customer_id"].is_unique
    assert len(events) >= 50_000
    months = events["timestamp"].dt.to_period("M").nunique()
    assert months >= 6
    assert events["timestamp"].max() - events["timestamp"].min() >= pd.Timedelta(days=180)
    assert len(survey) >= 2000
    assert 150 <= len(feedback) <= 400


@pytest.mark.parametrize("industry", ALL)
def test_referential_integrity(industry):
    project = datasets.load(industry, "workbook")
    events = datasets.load(industry, "events")
    customers = datasets.load(industry, "customers")
    tps = {t.id: t for t in project.touchpoints}
    assert set(events["touchpoint_id"]) <= set(tps)
    assert set(events["touchpoint_id"]) == set(tps)  # every touchpoint occurs in the log
    first = events.drop_duplicates("touchpoint_id").set_index("touchpoint_id")
    for tp_id, row in first.iterrows():
        tp = tps[tp_id]
        assert (row["touchpoint"], row["phase"], row["channel"], row["online"]) == (
            tp.name,
            tp.phase,
            tp.channel,
            tp.online,
        )
    assert set(events["phase"]) == set(project.phase_model.ids)
    assert set(events["customer_id"]) == set(customers["customer_id"])
    assert set(customers["segment_id"]) == {s.id for s in project.segments}
    for kind in ("survey", "feedback"):
        df = datasets.load(industry, kind)
        assert set(df["touchpoint_id"]) <= set(tps)
        assert (df["phase"] == df["touchpoint_id"].map(lambda t: tps[t].phase)).all()
    survey = datasets.load(industry, "survey")
    assert set(survey["customer_id"]) <= set(customers["customer_id"])
    first_seen = events.groupby("customer_id")["timestamp"].min()
    assert (customers.set_index("customer_id")["first_seen"] == first_seen).all()


@pytest.mark.parametrize("industry", ALL)
def test_each_phase_loses_customers(industry):
    project = datasets.load(industry, "workbook")
    events = datasets.load(industry, "events")
    reached = events.groupby("phase")["customer_id"].nunique().reindex(project.phase_model.ids)
    assert reached.iloc[0] == events["customer_id"].nunique()
    assert (reached.diff().dropna() < 0).all(), reached.to_dict()


@pytest.mark.parametrize("industry", ALL)
def test_biggest_leak_is_where_the_case_story_puts_it(industry):
    """The phase named by ``biggest_leak`` in the industry's industry.yaml."""
    ids = datasets.load(industry, "workbook").phase_model.ids
    reached = datasets.load(industry, "events").groupby("phase")["customer_id"].nunique()
    rate = reached.reindex(ids).pct_change().iloc[1:]
    assert rate.idxmin() == catalogue()[industry].biggest_leak, rate.round(3).to_dict()


@pytest.mark.parametrize("industry", ALL)
def test_purchases_conversion_and_repeat_buyers(industry):
    events = datasets.load(industry, "events")
    customers = datasets.load(industry, "customers")
    buys = events[events["value"].notna()]
    assert (buys["value"] > 0).all()
    per_customer = buys.groupby("customer_id").size()
    assert (per_customer >= 2).sum() >= 100  # repeat purchases for retention
    share = customers["converted"].mean()
    assert 0.1 < share < 0.7
    by_segment = customers.groupby("segment_id")["converted"].mean()
    assert by_segment.max() - by_segment.min() > 0.05  # segments behave differently


@pytest.mark.parametrize("industry", ALL)
def test_moments_of_truth_raise_conversion(industry):
    """Among customers who reached a touchpoint's phase, does its presence raise conversion?"""
    project = datasets.load(industry, "workbook")
    events = datasets.load(industry, "events")
    customers = datasets.load(industry, "customers").set_index("customer_id")
    purchase_phase = events.loc[events["value"].notna(), "phase"].mode()[0]
    ids = project.phase_model.ids
    before = {p for p in ids if ids.index(p) < ids.index(purchase_phase)}
    mots = [t for t in project.touchpoints if t.moment_of_truth and t.phase in before]
    assert mots
    for tp in mots:
        in_phase = set(events.loc[events["phase"] == tp.phase, "customer_id"])
        had = set(events.loc[events["touchpoint_id"] == tp.id, "customer_id"])
        conv = customers.loc[list(in_phase), "converted"]
        with_tp = conv[conv.index.isin(had)].mean()
        without = conv[~conv.index.isin(had)].mean()
        assert with_tp > without + 0.05, (tp.id, with_tp, without)


@pytest.mark.parametrize("industry", ALL)
def test_customers_switch_device_and_channel(industry):
    events = datasets.load(industry, "events")
    online = events[events["online"]]
    device_switch = (online.groupby("customer_id")["device"].nunique() > 1).mean()
    channel_switch = (events.groupby("customer_id")["online"].nunique() > 1).mean()
    assert device_switch > 0.1 and channel_switch > 0.2
    assert set(online["device"]) <= {"Smartphone", "Desktop", "Tablet"}
    assert {"Smartphone", "Desktop", "Tablet"} <= set(online["device"])
    assert not set(events.loc[~events["online"], "device"]) & {"Smartphone", "Desktop"}


@pytest.mark.parametrize("industry", ALL)
def test_survey_ranges_missing_values_and_comments(industry):
    survey = datasets.load(industry, "survey")
    assert survey["response_id"].is_unique
    for col, lo, hi in (("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)):
        values = survey[col].dropna()
        assert values.between(lo, hi).all() and values.min() == lo and values.max() == hi
        assert 0 < survey[col].isna().mean() < 0.4
    comments = survey.loc[survey["comment"] != "", "comment"]
    assert 0.25 < len(comments) / len(survey) < 0.7
    assert comments.nunique() > 100
    assert comments.str.contains(r"[äöüß]").mean() > 0.2
    assert (survey["touchpoint_id"].value_counts() < 30).any()  # small samples exist
    themes = ("wart", "preis", "berat", r"\bapp\b", "liefer", "rückgabe", "termin")
    assert sum(comments.str.contains(w, case=False).any() for w in themes) >= 3


@pytest.mark.parametrize("industry", ALL)
def test_feedback_table_values(industry):
    fb = datasets.load(industry, "feedback")
    assert fb["id"].is_unique
    assert fb["sentiment"].between(-2, 2).all()
    assert fb["score"].dropna().between(0, 10).all()
    assert fb["text"].str.len().gt(10).all()
    assert fb["tags"].map(len).ge(1).all()
    assert fb["source"].nunique() >= 4


def test_loads_are_copies():
    events = datasets.load("einzelhandel", "events")
    events.loc[:, "touchpoint"] = "kaputt"
    fb = datasets.load("einzelhandel", "feedback")
    fb["tags"].iloc[0].append("kaputt")
    project = datasets.load("einzelhandel", "workbook")
    project.personas[0].name = "Kaputt"
    assert (datasets.load("einzelhandel", "events")["touchpoint"] != "kaputt").all()
    assert "kaputt" not in datasets.load("einzelhandel", "feedback")["tags"].iloc[0]
    assert datasets.load("einzelhandel", "workbook").personas[0].name != "Kaputt"


def test_unknown_industry_is_explained_in_german():
    with pytest.raises(
        CJMError,
        match=r"Eine Branche „Autohaus“ gibt es in den Beispieldaten "
        r"nicht\. Möglich sind: einzelhandel, bank, "
        r"telekommunikation, reise, gesundheit\.",
    ) as info:
        datasets.load("Autohaus", "events")
    assert info.value.field == "industry"
    with pytest.raises(CJMError, match="Eine Branche „x“"):
        datasets.open_workbook("x", "egal.cjm.json")


def test_unknown_kind_is_explained_in_german():
    with pytest.raises(
        CJMError,
        match=r"Den Datensatz „umsatz“ gibt es nicht\. Möglich sind: "
        r"workbook, events, customers, survey, feedback\.",
    ):
        datasets.load("bank", "umsatz")


def test_industries_and_descriptions():
    assert datasets.industries() == INDUSTRIES
    assert list(INDUSTRIES) == ["einzelhandel", "bank", "telekommunikation", "reise", "gesundheit"]
    assert set(datasets.describe()) == set(INDUSTRIES)
    assert "Gipfelglück" in datasets.describe("einzelhandel")["einzelhandel"]
    assert datasets.load("  Einzelhandel ", "Events").shape == datasets.load().shape


def test_industry_names_and_cases_follow_the_message_language():
    set_language("en")
    assert datasets.industries()["gesundheit"] == "Healthcare"
    assert datasets.describe("bank") == {
        "bank": "Nordstern Direktbank: from opening an account to using products"
    }
    set_language("de")
    assert datasets.industries()["gesundheit"] == "Gesundheit"
