"""What each exercise task expects, for the instant checks (never the hidden tests).

Each entry names the variables a task fills and a judge that raises
:class:`~cjmlib.grading.checks.Incorrect` with a German message. Judges recompute the
expected answer from fresh exercise data (:func:`uebungsdaten`), so a trainee who
changed a table by mistake still gets a fair verdict.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cjmlib.grading.checks import fail, same_items, same_mapping, same_number, same_series
from cjmlib.grading.data import uebungsdaten
from cjmlib.model import SEGMENT_CRITERIA, Persona, Segment, Solution

Namespace = dict[str, Any]


@dataclass(frozen=True)
class TaskSpec:
    variables: tuple[str, ...]
    judge: Callable[[Namespace], None]
    hints: int = 1


def _wb(ns: Namespace) -> Any:
    wb = ns.get("wb")
    if wb is None:
        fail("no_workbook")
    return wb


def _phase_series(frame: pd.DataFrame, column: str, wb: Any) -> pd.Series:
    names = {p.id: p.name for p in wb.phase_model.phases}
    ids = {p.name: p.id for p in wb.phase_model.phases}
    mean = (
        frame.assign(phase=frame["phase"].map(lambda x: ids.get(x, x)))
        .groupby("phase")[column]
        .mean()
    )
    return mean.reindex(wb.phase_model.ids).rename(index=names)


# -- 01 Zielgruppe ---------------------------------------------------------------------------
def _k01() -> pd.DataFrame:
    return uebungsdaten("01_zielgruppe")["kunden"]


def _j01_a1(ns: Namespace) -> None:
    k = _k01()
    value = ns["anteil_grossstadt"]
    if isinstance(value, (int, float)) and 0 < value <= 1:
        fail("percent_not_fraction", name="anteil_grossstadt")
    same_number(value, (k["wohnort"] == "Großstadt").mean() * 100, "anteil_grossstadt", tol=0.06)


_CRITERIA = {
    "demographic": ["altersgruppe", "geschlecht"],
    "geographic": ["region", "wohnort"],
    "psychographic": ["lebensstil"],
    "behavioural": ["kaeufe_pro_jahr", "lieblingskanal"],
    "technographic": ["geraet"],
}


def _j01_a2(ns: Namespace) -> None:
    same_mapping(ns["kriterien"], _CRITERIA, "kriterien", as_sets=True)


def _j01_a3(ns: Namespace) -> None:
    seg = ns["segment"]
    if not isinstance(seg, Segment):
        fail("wrong_type", name="segment", expected="Segment", given=type(seg).__name__)
    empty = [c for c in SEGMENT_CRITERIA if not getattr(seg, c)]
    if empty:
        fail("criteria_empty", name="segment", criteria=", ".join(empty))
    k = _k01()
    share = ((k["kaeufe_pro_jahr"] >= 7) & (k["geraet"] == "Smartphone")).mean() * 100
    if seg.share_percent is None:
        fail("field_missing", name="segment", field="share_percent")
    same_number(seg.share_percent, share, "segment.share_percent", tol=0.06)


# -- 02 Personas -----------------------------------------------------------------------------
def _persona(ns: Namespace, var: str, index: int) -> None:
    value = ns[var]
    if not isinstance(value, Persona):
        fail("wrong_type", name=var, expected="Persona", given=type(value).__name__)
    i = uebungsdaten("02_personas")["interviews"][index]
    wb = _wb(ns)
    if i["name"] not in wb.personas:
        fail("not_in_workbook", name=var, item=i["name"])
    p = wb.personas[i["name"]]
    if p.age != i["alter"]:
        fail("field_off", name=var, field="age")
    for field, key in (
        ("needs_goals", "ziele"),
        ("pain_points", "aergernisse"),
        ("channels", "kanaele"),
        ("devices", "geraete"),
    ):
        if set(getattr(p, field)) != set(i[key]):
            fail("field_off", name=var, field=field)
    if not any(e.kind == "Interview" for e in p.evidence):
        fail("evidence_missing", name=var)


def _j02_a2(ns: Namespace) -> None:
    _persona(ns, "werner", 1)
    if len(_wb(ns).personas) != 2:
        fail("count_off", name="wb.personas", given=len(_wb(ns).personas), expected=2)


def _j02_a3(ns: Namespace) -> None:
    msg = ns["fehlermeldung"]
    if not isinstance(msg, str):
        fail("wrong_type", name="fehlermeldung", expected="str", given=type(msg).__name__)
    if "`age`" not in msg:
        fail("error_text_off", name="fehlermeldung")
    if "Test" in _wb(ns).personas:
        fail("invalid_saved", name="Test")


# -- 03 Bedürfnisse --------------------------------------------------------------------------
def _opp() -> pd.DataFrame:
    b = uebungsdaten("03_beduerfnisse")["beduerfnisse"]
    return b.assign(
        opportunity=b["importance"] + (b["importance"] - b["satisfaction"]).clip(lower=0)
    )


def _j03_a1(ns: Namespace) -> None:
    value, want = ns["chancen"], _opp()
    if not isinstance(value, pd.DataFrame):
        fail("not_a_frame", name="chancen", given=type(value).__name__)
    if "opportunity" not in value.columns:
        fail("columns_missing", name="chancen", columns="opportunity")
    same_items(
        value["opportunity"].round(2).tolist(),
        want["opportunity"].tolist(),
        "chancen['opportunity']",
        ordered=True,
    )


def _j03_a2(ns: Namespace) -> None:
    want = _opp().sort_values("opportunity", ascending=False)["need"].head(3).tolist()
    same_items(ns["top3"], want, "top3", ordered=True)


def _j03_a3(ns: Namespace) -> None:
    o = _opp()
    if len(_wb(ns).needs) != len(o):
        fail("count_off", name="wb.needs", given=len(_wb(ns).needs), expected=len(o))
    same_items(
        ns["unterversorgt"],
        sorted(o.loc[o["opportunity"] > 10, "need"]),
        "unterversorgt",
        ordered=True,
    )


# -- 04 Touchpoints --------------------------------------------------------------------------
def _t(ex: str) -> pd.DataFrame:
    return uebungsdaten(ex)["touchpoints"]


def _j04_a1(ns: Namespace) -> None:
    t = _t("04_touchpoints")
    same_number(ns["anzahl"], len(t), "anzahl", tol=0)
    names = sorted(tp.name for tp in _wb(ns).touchpoints)
    same_items(names, sorted(t["name"]), "wb.touchpoints", ordered=True)


def _j04_a2(ns: Namespace) -> None:
    wb = _wb(ns)
    same_series(ns["pro_phase"], _phase_series(_t("04_touchpoints"), "relevance", wb), "pro_phase")


def _j04_a3(ns: Namespace) -> None:
    t = _t("04_touchpoints")
    want = sorted(t.loc[t["relevance"] == 5, "name"])
    same_items(ns["momente"], want, "momente", ordered=True)
    flagged = sorted(tp.name for tp in _wb(ns).touchpoints if tp.moment_of_truth)
    if flagged != want:
        fail("flags_off", name="moment_of_truth")


# -- 06 Map-Ebenen ---------------------------------------------------------------------------
def _j06_a1(ns: Namespace) -> None:
    same_series(
        ns["emotionskurve"], _phase_series(_t("06_map_ebenen"), "emotion", _wb(ns)), "emotionskurve"
    )


def _j06_a2(ns: Namespace) -> None:
    t = _t("06_map_ebenen")
    want = {name: sorted(set(g["department"])) for name, g in t.groupby("phase")}
    same_mapping(ns["backstage"], want, "backstage")


def _j06_a3(ns: Namespace) -> None:
    karte, t = ns["karte"], _t("06_map_ebenen")
    if not isinstance(karte, pd.DataFrame):
        fail("not_a_frame", name="karte", given=type(karte).__name__)
    rows = ["Touchpoints", "Kanäle", "Emotion", "Abteilungen"]
    if list(karte.index) != rows:
        fail("index_off", name="karte", expected=", ".join(rows))
    for name, g in t.groupby("phase"):
        if name not in karte.columns:
            fail("columns_missing", name="karte", columns=name)
        want = {
            "Touchpoints": len(g),
            "Kanäle": g["channel"].nunique(),
            "Emotion": g["emotion"].mean(),
            "Abteilungen": g["department"].nunique(),
        }
        for row, value in want.items():
            if abs(float(karte.loc[row, name]) - value) > 0.06:
                fail("value_off", name="karte", key=f"{row} / {name}")


# -- 08 Lösungen -----------------------------------------------------------------------------
def _ideen(ex: str = "08_loesungen") -> pd.DataFrame:
    return uebungsdaten(ex)["ideen"]


def _j08_a1(ns: Namespace) -> None:
    i = _ideen()
    if len(_wb(ns).solutions) != len(i):
        fail("count_off", name="wb.solutions", given=len(_wb(ns).solutions), expected=len(i))
    want = {
        r.title: Solution(title=r.title, impact=r.impact, effort=r.effort).quadrant
        for r in i.itertuples()
    }
    same_mapping(ns["quadranten"], want, "quadranten")


def _j08_a2(ns: Namespace) -> None:
    i = _ideen()
    q = i[(i["impact"] >= 3) & (i["effort"] < 3)].sort_values(
        ["impact", "effort"], ascending=[False, True]
    )
    same_items(ns["quick_wins"], q["title"].tolist(), "quick_wins", ordered=True)


def _j08_a3(ns: Namespace) -> None:
    i, value = _ideen(), ns["rangfolge"]
    want = i.assign(score=(i["impact"] / i["effort"]).round(2)).sort_values(
        ["score", "title"], ascending=[False, True]
    )
    if not isinstance(value, pd.DataFrame):
        fail("not_a_frame", name="rangfolge", given=type(value).__name__)
    if "score" not in value.columns or "title" not in value.columns:
        fail("columns_missing", name="rangfolge", columns="title, score")
    same_items(value["title"].tolist(), want["title"].tolist(), "rangfolge['title']", ordered=True)
    if list(value.index) != list(range(len(i))):
        fail("index_reset", name="rangfolge")


# -- 09 A/B-Test -----------------------------------------------------------------------------
def _ab() -> pd.DataFrame:
    return uebungsdaten("09_ab_test")["ab_test"]


def _j09_a1(ns: Namespace) -> None:
    want = {r.variante: r.kaeufe / r.besucher * 100 for r in _ab().itertuples()}
    if isinstance(ns["raten"], dict) and all(
        isinstance(v, (int, float)) and v < 1 for v in ns["raten"].values()
    ):
        fail("percent_not_fraction", name="raten")
    same_mapping(ns["raten"], want, "raten", tol=0.006)


def _p_value() -> float:
    ab = _ab()
    k, n = ab["kaeufe"].to_numpy(), ab["besucher"].to_numpy()
    p = k.sum() / n.sum()
    z = (k[0] / n[0] - k[1] / n[1]) / math.sqrt(p * (1 - p) * (1 / n[0] + 1 / n[1]))
    return math.erfc(abs(z) / math.sqrt(2))


def _j09_a2(ns: Namespace) -> None:
    same_number(ns["p_wert"], _p_value(), "p_wert", tol=1e-4)


def _j09_a3(ns: Namespace) -> None:
    if ns["entscheidung"] != "B":
        fail("decision_off", name="entscheidung")
    hyps = list(_wb(ns).hypotheses)
    if len(hyps) != 1:
        fail("count_off", name="wb.hypotheses", given=len(hyps), expected=1)
    h = hyps[0]
    if h.test_method != "A/B-Test" or h.result != "bestätigt" or not h.metric:
        fail("hypothesis_off", name="wb.hypotheses")


# -- 11 Maßnahmenplan ------------------------------------------------------------------------
def _j11_a1(ns: Namespace) -> None:
    wb, m = _wb(ns), uebungsdaten("11_massnahmenplan")["massnahmen"]
    if not isinstance(ns["plan"], pd.DataFrame):
        fail("not_a_frame", name="plan", given=type(ns["plan"]).__name__)
    if len(wb.actions) != len(m):
        fail("count_off", name="wb.actions", given=len(wb.actions), expected=len(m))
    for x in m:
        a = wb.actions.get(x["title"])
        if a is None:
            fail("not_in_workbook", name="wb.actions", item=x["title"])
        if not a.owner or not a.kpi or not a.target or a.due is None:
            fail("action_incomplete", name=x["title"])
        if a.solution_id != wb.solutions[x["loesung"]].id:
            fail("field_off", name=x["title"], field="solution_id")


def _j11_a2(ns: Namespace) -> None:
    d = uebungsdaten("11_massnahmenplan")
    linked = {x["loesung"] for x in d["massnahmen"]}
    want = sorted(
        r.title for r in d["ideen"].itertuples() if r.impact >= 3 and r.title not in linked
    )
    same_items(ns["ohne_massnahme"], want, "ohne_massnahme", ordered=True)


def _j11_a3(ns: Namespace) -> None:
    d = uebungsdaten("11_massnahmenplan")
    day = dt.date.fromisoformat(d["stichtag"])
    want = sorted(
        x["title"]
        for x in d["massnahmen"]
        if dt.date.fromisoformat(x["due"]) < day and x["status"] != "erledigt"
    )
    same_items(ns["ueberfaellig"], want, "ueberfaellig", ordered=True)


# -- 12 Iterationen --------------------------------------------------------------------------
def _j12_a1(ns: Namespace) -> None:
    same_items(ns["iterationen"], ["Iteration 1", "Iteration 2"], "iterationen", ordered=True)
    a = uebungsdaten("12_iterationen")["aenderungen"]
    after = {tp.name: tp.emotion for tp in _wb(ns).snapshot_project("Iteration 2").touchpoints}
    if a["entfernt"] in after:
        fail("still_there", name=a["entfernt"])
    if after.get(a["neu"]["name"]) != a["neu"]["emotion"]:
        fail("not_in_workbook", name="Iteration 2", item=a["neu"]["name"])
    for name, value in a["emotion"].items():
        if after.get(name) != value:
            fail("field_off", name=name, field="emotion")


def _j12_a2(ns: Namespace) -> None:
    a = uebungsdaten("12_iterationen")["aenderungen"]
    same_mapping(
        ns["zusammenfassung"],
        {"hinzugefügt": 1, "geändert": len(a["emotion"]), "entfernt": 1},
        "zusammenfassung",
    )


def _j12_a3(ns: Namespace) -> None:
    d = uebungsdaten("12_iterationen")
    t, a = d["touchpoints"], d["aenderungen"]
    new = t.set_index("name")["emotion"].copy()
    for name, value in a["emotion"].items():
        new[name] = value
    new = new.drop(a["entfernt"])
    new[a["neu"]["name"]] = a["neu"]["emotion"]
    same_number(ns["emotion_delta"], new.mean() - t["emotion"].mean(), "emotion_delta", tol=0.006)


# -- 05 Ereignisprotokoll ---------------------------------------------------------------------
def _clean_events() -> tuple[pd.DataFrame, list[str]]:
    d = uebungsdaten("05_eventlog")
    return d["events_roh"].dropna(subset=["customer_id"]).drop_duplicates(), d["phasen"]


def _j05_a1(ns: Namespace) -> None:
    value = ns["events_sauber"]
    clean, _ = _clean_events()
    if not isinstance(value, pd.DataFrame):
        fail("not_a_frame", name="events_sauber", given=type(value).__name__)
    if value["customer_id"].isna().any() or value.duplicated().any():
        fail("not_clean", name="events_sauber")
    if len(value) != len(clean):
        fail("rows_off", name="events_sauber", given=len(value), expected=len(clean))
    if not value["timestamp"].is_monotonic_increasing:
        fail("not_sorted", name="events_sauber", column="timestamp")
    if list(value.index) != list(range(len(value))):
        fail("index_reset", name="events_sauber")


def _j05_a2(ns: Namespace) -> None:
    from cjmlib.analytics import funnel

    value = ns["trichter"]
    clean, phases = _clean_events()
    if not isinstance(value, pd.DataFrame) or "customers" not in value.columns:
        fail("not_a_frame", name="trichter", given=type(value).__name__)
    same_items(
        value["customers"].tolist(),
        funnel(clean, phases)["customers"].tolist(),
        "trichter['customers']",
        ordered=True,
    )


def _j05_a3(ns: Namespace) -> None:
    from cjmlib.analytics import funnel

    clean, phases = _clean_events()
    f = funnel(clean, phases)
    if ns["groesstes_leck"] != f.loc[f["drop_off_rate"].idxmax(), "label"]:
        fail("items_off", name="groesstes_leck")


# -- 07 Pain Points -------------------------------------------------------------------------
def _pain_scores() -> dict[str, float]:
    from cjmlib.analytics import funnel

    d = uebungsdaten("07_pain_points")
    rates = funnel(d["events"], d["phasen"]).set_index("label")["drop_off_rate"]
    fb = d["feedback"]
    share = fb.groupby("phase")["sentiment"].apply(lambda s: float((s < 0).mean()))
    return {p: float(rates[p]) + float(share.get(p, 0.0)) for p in d["phasen"]}


def _j07_a1(ns: Namespace) -> None:
    fb = uebungsdaten("07_pain_points")["feedback"]
    want = fb[fb["sentiment"] < 0]["touchpoint_id"].value_counts()
    value = ns["negativ"]
    if not isinstance(value, pd.Series):
        fail("not_a_series", name="negativ", given=type(value).__name__)
    if not value.is_monotonic_decreasing:
        fail("order_off", name="negativ")
    same_mapping(
        {str(k): int(v) for k, v in value.items()},
        {str(k): int(v) for k, v in want.items()},
        "negativ",
    )


def _j07_a2(ns: Namespace) -> None:
    value, scores = ns["rangliste"], _pain_scores()
    if not isinstance(value, pd.DataFrame):
        fail("not_a_frame", name="rangliste", given=type(value).__name__)
    missing = [
        c for c in ("phase", "abbruchquote", "negativ_anteil", "score") if c not in value.columns
    ]
    if missing:
        fail("columns_missing", name="rangliste", columns=", ".join(missing))
    for phase, score in zip(value["phase"], value["score"], strict=False):
        if phase not in scores or abs(float(score) - scores[phase]) > 0.001:
            fail("value_off", name="rangliste", key=phase)
    same_items(
        value["phase"].tolist(),
        sorted(scores, key=lambda p: -scores[p]),
        "rangliste['phase']",
        ordered=True,
    )


def _j07_a3(ns: Namespace) -> None:
    scores = _pain_scores()
    top = max(scores, key=scores.get)
    pps = list(_wb(ns).pain_points)
    if len(pps) != 1:
        fail("count_off", name="wb.pain_points", given=len(pps), expected=1)
    pp = pps[0]
    if pp.phase != top:
        fail("field_off", name="schwachstelle", field="phase")
    if pp.category != "Abbruch" or pp.severity < 4:
        fail("field_off", name="schwachstelle", field="category/severity")
    if not {"Web-Analyse", "Kundenfeedback"} <= {e.kind for e in pp.evidence}:
        fail("evidence_two", name="schwachstelle")


# -- 10 NPS und CSAT ------------------------------------------------------------------------
def _survey() -> pd.DataFrame:
    return uebungsdaten("10_nps_csat")["umfrage"]


def _nps(values: pd.Series) -> float:
    v = values.dropna()
    return float(((v >= 9).mean() - (v <= 6).mean()) * 100)


def _j10_a1(ns: Namespace) -> None:
    same_number(ns["nps_gesamt"], _nps(_survey()["nps"]), "nps_gesamt", tol=0.06)


def _j10_a2(ns: Namespace) -> None:
    value, u = ns["kennzahlen"], _survey()
    if not isinstance(value, pd.DataFrame):
        fail("not_a_frame", name="kennzahlen", given=type(value).__name__)
    if not {"group", "nps", "csat"} <= set(value.columns):
        fail("columns_missing", name="kennzahlen", columns="group, nps, csat")
    want = {g: _nps(x["nps"]) for g, x in u.groupby("touchpoint_id")}
    got = dict(zip(value["group"], value["nps"], strict=False))
    same_mapping(got, want, "kennzahlen['nps']", tol=0.01)


def _j10_a3(ns: Namespace) -> None:
    u = _survey()
    worst = {
        g: _nps(x["nps"]) for g, x in u.groupby("touchpoint_id") if x["nps"].notna().sum() >= 30
    }
    want = sorted((g for g, v in worst.items() if v < 0), key=worst.get)
    same_items(ns["kritisch"], want, "kritisch", ordered=True)


TASKS: dict[str, dict[str, TaskSpec]] = {
    "01_zielgruppe": {
        "a1": TaskSpec(("anteil_grossstadt",), _j01_a1),
        "a2": TaskSpec(("kriterien",), _j01_a2),
        "a3": TaskSpec(("segment",), _j01_a3),
    },
    "02_personas": {
        "a1": TaskSpec(("lena",), lambda ns: _persona(ns, "lena", 0)),
        "a2": TaskSpec(("werner",), _j02_a2),
        "a3": TaskSpec(("fehlermeldung",), _j02_a3),
    },
    "03_beduerfnisse": {
        "a1": TaskSpec(("chancen",), _j03_a1),
        "a2": TaskSpec(("top3",), _j03_a2),
        "a3": TaskSpec(("unterversorgt",), _j03_a3),
    },
    "04_touchpoints": {
        "a1": TaskSpec(("anzahl",), _j04_a1),
        "a2": TaskSpec(("pro_phase",), _j04_a2),
        "a3": TaskSpec(("momente",), _j04_a3),
    },
    "05_eventlog": {
        "a1": TaskSpec(("events_sauber",), _j05_a1),
        "a2": TaskSpec(("trichter",), _j05_a2),
        "a3": TaskSpec(("groesstes_leck",), _j05_a3),
    },
    "06_map_ebenen": {
        "a1": TaskSpec(("emotionskurve",), _j06_a1),
        "a2": TaskSpec(("backstage",), _j06_a2),
        "a3": TaskSpec(("karte",), _j06_a3),
    },
    "07_pain_points": {
        "a1": TaskSpec(("negativ",), _j07_a1),
        "a2": TaskSpec(("rangliste",), _j07_a2),
        "a3": TaskSpec(("schwachstelle",), _j07_a3),
    },
    "08_loesungen": {
        "a1": TaskSpec(("quadranten",), _j08_a1),
        "a2": TaskSpec(("quick_wins",), _j08_a2),
        "a3": TaskSpec(("rangfolge",), _j08_a3),
    },
    "09_ab_test": {
        "a1": TaskSpec(("raten",), _j09_a1),
        "a2": TaskSpec(("p_wert",), _j09_a2),
        "a3": TaskSpec(("entscheidung",), _j09_a3),
    },
    "10_nps_csat": {
        "a1": TaskSpec(("nps_gesamt",), _j10_a1),
        "a2": TaskSpec(("kennzahlen",), _j10_a2),
        "a3": TaskSpec(("kritisch",), _j10_a3),
    },
    "11_massnahmenplan": {
        "a1": TaskSpec(("plan",), _j11_a1),
        "a2": TaskSpec(("ohne_massnahme",), _j11_a2),
        "a3": TaskSpec(("ueberfaellig",), _j11_a3),
    },
    "12_iterationen": {
        "a1": TaskSpec(("iterationen",), _j12_a1),
        "a2": TaskSpec(("zusammenfassung",), _j12_a2),
        "a3": TaskSpec(("emotion_delta",), _j12_a3),
    },
}
