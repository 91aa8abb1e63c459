"""Survey metrics with the exact definitions of the course.

NPS
    Share of promoters (9-10) minus share of detractors (0-6) among the answers on the
    0-10 scale, in points from -100 to 100. Interval: normal approximation with the
    variance of the per-answer score (+1 promoter, 0 passive, -1 detractor).
CSAT
    Share of answers 4 or 5 on the 1-5 scale, in percent. Interval: Wilson.
CES
    On the 1-7 scale (7 = very easy). Reported two ways, always named: the mean
    (``ces_mean``, t interval) and the share agreeing, i.e. answers 5-7 (``ces_agree``,
    percent, Wilson interval).

Answers outside a scale are not used for that figure and are counted in
``attrs["excluded"]``; every figure with fewer than 30 answers is flagged.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    MIN_ANSWERS,
    fmt_int,
    fmt_num,
    require_columns,
    require_frame,
    wilson,
)
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import JourneyProject
from cjmlib.model.lookup import ProjectLike, as_project

Z95 = NormalDist().inv_cdf(0.975)
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
METRIC_COLUMNS = [
    "group",
    "n_nps",
    "nps",
    "nps_low",
    "nps_high",
    "n_csat",
    "csat",
    "csat_low",
    "csat_high",
    "n_ces",
    "ces_mean",
    "ces_agree",
    "small_sample",
]
EXTRA_COLUMNS = ["ces_mean_low", "ces_mean_high", "ces_agree_low", "ces_agree_high", "warning"]
METHODS = {
    "nps": "analytics.survey.method_nps",
    "csat": "analytics.survey.method_csat",
    "ces": "analytics.survey.method_ces",
}


def _clean(values: Any, metric: str) -> tuple[np.ndarray, int]:
    """Return the valid answers of one scale as floats and how many were out of range."""
    s = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
    lo, hi = SCALES[metric]
    given = s.notna()
    ok = given & s.between(lo, hi) & (s == s.round())
    return s[ok].to_numpy(), int((given & ~ok).sum())


def compute_nps(values: Any) -> float:
    """Return the Net Promoter Score (-100..100) of answers on the 0-10 scale.

    NPS = % promoters (9-10) - % detractors (0-6). Missing and invalid answers are
    ignored; no answers -> NaN.
    """
    x, _ = _clean(values, "nps")
    if len(x) == 0:
        return float("nan")
    return float(100 * (int(np.sum(x >= 9)) - int(np.sum(x <= 6))) / len(x))


def compute_csat(values: Any) -> float:
    """Return CSAT: the percentage of answers 4 or 5 on the 1-5 scale (NaN if none)."""
    x, _ = _clean(values, "csat")
    return float(100 * np.mean(x >= 4)) if len(x) else float("nan")


def compute_ces(values: Any) -> dict[str, float]:
    """Return CES on the 1-7 scale as ``{"mean": ..., "agree": ...}``.

    ``mean`` is the average answer (1..7); ``agree`` the percentage of answers 5-7.
    """
    x, _ = _clean(values, "ces")
    if len(x) == 0:
        return {"mean": float("nan"), "agree": float("nan")}
    return {"mean": float(np.mean(x)), "agree": float(100 * np.mean(x >= 5))}


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """95 % interval of the NPS from the variance of the +1/0/-1 scores (points)."""
    if n == 0:
        return float("nan"), float("nan")
    p, d = promoters / n, detractors / n
    m = p - d
    se = np.sqrt(max(p + d - m * m, 0.0) / n)
    return float(max(-100.0, 100 * (m - Z95 * se))), float(min(100.0, 100 * (m + Z95 * se)))


def _metrics(block: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    x, _ = _clean(block["nps"], "nps") if "nps" in block else (np.zeros(0), 0)
    n = len(x)
    pro, det = int(np.sum(x >= 9)), int(np.sum(x <= 6))
    out["n_nps"] = n
    out["nps"] = 100 * (pro - det) / n if n else np.nan
    out["nps_low"], out["nps_high"] = nps_interval(pro, det, n)
    x, _ = _clean(block["csat"], "csat") if "csat" in block else (np.zeros(0), 0)
    n = len(x)
    good = int(np.sum(x >= 4))
    out["n_csat"] = n
    out["csat"] = 100 * good / n if n else np.nan
    low, high = wilson(good, n)
    out["csat_low"], out["csat_high"] = 100 * float(low), 100 * float(high)
    x, _ = _clean(block["ces"], "ces") if "ces" in block else (np.zeros(0), 0)
    n = len(x)
    out["n_ces"] = n
    out["ces_mean"] = float(np.mean(x)) if n else np.nan
    agree = int(np.sum(x >= 5))
    out["ces_agree"] = 100 * agree / n if n else np.nan
    if n >= 2:
        from scipy import stats

        half = stats.t.ppf(0.975, n - 1) * np.std(x, ddof=1) / np.sqrt(n)
        out["ces_mean_low"] = max(1.0, out["ces_mean"] - half)
        out["ces_mean_high"] = min(7.0, out["ces_mean"] + half)
    else:
        out["ces_mean_low"] = out["ces_mean_high"] = np.nan
    low, high = wilson(agree, n)
    out["ces_agree_low"], out["ces_agree_high"] = 100 * float(low), 100 * float(high)
    sizes = {k: out[f"n_{k}"] for k in ("nps", "csat", "ces")}
    small = [k.upper() for k, v in sizes.items() if 0 < v < MIN_ANSWERS]
    out["small_sample"] = bool(small)
    out["warning"] = (
        t(
            "analytics.survey.small",
            figures=", ".join(small),
            min=MIN_ANSWERS,
            n=min(v for v in sizes.values() if v > 0),
        )
        if small
        else ""
    )
    return out


def _excluded(survey: pd.DataFrame) -> dict[str, int]:
    return {m: _clean(survey[m], m)[1] for m in SCALES if m in survey.columns}


def survey_metrics(survey: pd.DataFrame, *, by: str | None = "touchpoint_id") -> pd.DataFrame:
    """Compute NPS, CSAT and CES with 95 % intervals per group.

    Parameters
    ----------
    survey:
        Survey answers with at least one of the columns ``nps``, ``csat``, ``ces``.
    by:
        Grouping column (``"touchpoint_id"``, ``"phase"``, ...); None = one row
        ``"Gesamt"`` over all answers. Answers without a group form their own row.

    Returns
    -------
    pandas.DataFrame
        ``group, n_nps, nps, nps_low, nps_high, n_csat, csat, csat_low, csat_high, n_ces,
        ces_mean, ces_agree, small_sample`` plus ``ces_mean_low, ces_mean_high,
        ces_agree_low, ces_agree_high, warning``. NPS in points (-100..100), CSAT and
        ``ces_agree`` in percent, ``ces_mean`` on 1..7. ``attrs["methods"]`` names the
        interval methods, ``attrs["explanation"]`` gives the definitions in German.
    """
    require_frame(survey, "survey")
    present = [m for m in SCALES if m in survey.columns]
    if not present:
        raise CJMError(
            t("analytics.error.no_survey_columns", allowed=", ".join(map(str, survey.columns))),
            field="survey",
        )
    rows = []
    if by is None:
        rows.append({"group": t("analytics.survey.total"), **_metrics(survey)})
    else:
        require_columns(survey, [by], "survey")
        keys = survey[by].astype(object).where(survey[by].notna(), t("analytics.survey.no_group"))
        for key, block in survey.groupby(keys.astype(str), sort=True):
            rows.append({"group": key, **_metrics(block)})
    out = pd.DataFrame(rows, columns=METRIC_COLUMNS + EXTRA_COLUMNS)
    out = out.astype({"n_nps": "int64", "n_csat": "int64", "n_ces": "int64", "small_sample": bool})
    excluded = _excluded(survey)
    out.attrs.update(
        by=by,
        excluded=excluded,
        methods={k: t(v) for k, v in METHODS.items()},
        explanation=explain_survey(out, excluded),
    )
    return out


def explain_survey(table: pd.DataFrame, excluded: dict[str, int]) -> str:
    """Return the German definitions and warnings for a survey metrics table."""
    parts = [t("analytics.survey.definitions")]
    small = int(table["small_sample"].sum()) if len(table) else 0
    if small:
        parts.append(t("analytics.survey.small_rows", rows=small, min=MIN_ANSWERS))
    bad = {k: v for k, v in excluded.items() if v}
    if bad:
        parts.append(
            t(
                "analytics.survey.excluded",
                details=", ".join(f"{k.upper()}: {fmt_int(v)}" for k, v in bad.items()),
            )
        )
    return " ".join(parts)


TREND_COLUMNS = [
    "period",
    "n",
    "nps",
    "csat",
    "ces_mean",
    "n_nps",
    "n_csat",
    "n_ces",
    "small_sample",
]


def survey_trend(survey: pd.DataFrame, *, freq: str = "MS") -> pd.DataFrame:
    """Compute NPS, CSAT and mean CES per period (month by default).

    Parameters
    ----------
    survey:
        Survey answers with ``timestamp`` and ``nps``/``csat``/``ces``.
    freq:
        A pandas frequency such as ``"MS"`` (month start), ``"W"`` or ``"QS"``.

    Returns
    -------
    pandas.DataFrame
        ``period, n, nps, csat, ces_mean`` (``n`` = answers in the period) plus
        ``n_nps, n_csat, n_ces, small_sample``. Rows with an unreadable timestamp are
        counted in ``attrs["excluded_rows"]``.
    """
    require_frame(survey, "survey")
    require_columns(survey, ["timestamp"], "survey")
    ts = pd.to_datetime(survey["timestamp"], errors="coerce")
    bad = int(ts.isna().sum())
    rows = []
    try:
        grouper = pd.Grouper(freq=freq)
        grouped = survey.assign(_ts=ts).dropna(subset=["_ts"]).set_index("_ts").groupby(grouper)
    except (ValueError, TypeError) as exc:
        raise CJMError(
            t("analytics.error.freq", value=freq, allowed="MS, W, QS"), field="freq", value=freq
        ) from exc
    for period, block in grouped:
        m = _metrics(block)
        rows.append(
            {
                "period": period,
                "n": len(block),
                "nps": m["nps"],
                "csat": m["csat"],
                "ces_mean": m["ces_mean"],
                "n_nps": m["n_nps"],
                "n_csat": m["n_csat"],
                "n_ces": m["n_ces"],
                "small_sample": m["small_sample"],
            }
        )
    out = pd.DataFrame(rows, columns=TREND_COLUMNS)
    out.attrs.update(
        freq=freq, excluded_rows=bad, explanation=t("analytics.survey.trend", freq=freq, bad=bad)
    )
    return out


EMOTION_COLUMNS = ["phase", "phase_name", "emotion", "n"]


def answer_emotion(survey: pd.DataFrame) -> pd.Series:
    """Return an emotion -2..2 per answer: the mean of the rescaled scores it has.

    CSAT 1..5 -> csat - 3; NPS 0..10 -> (nps - 5) / 2.5; CES 1..7 -> (ces - 4) / 1.5.
    """
    parts = []
    for metric, (shift, scale) in {"csat": (3, 1.0), "nps": (5, 2.5), "ces": (4, 1.5)}.items():
        if metric in survey.columns:
            s = pd.to_numeric(survey[metric], errors="coerce").astype(float)
            lo, hi = SCALES[metric]
            s = s.where(s.between(lo, hi))
            parts.append((s - shift) / scale)
    if not parts:
        return pd.Series(np.nan, index=survey.index)
    return pd.concat(parts, axis=1).mean(axis=1)


def emotion_from_survey(survey: pd.DataFrame, project: ProjectLike) -> pd.DataFrame:
    """Compute the emotion curve (-2..2) per phase of the workbook from survey answers.

    Each answer is put on the map's emotion scale, keeping each scale's own zero point:

    * NPS the way the NPS counts it: promoters (9-10) +2, passives (7-8) 0, critics
      (0-6) -2. The mean of a phase is then exactly its NPS / 50, so an NPS of 0 is a
      neutral 0 (not +0.8, as a mean answer of 7 might suggest);
    * CSAT 1..5 minus 3 (3 = neither satisfied nor dissatisfied);
    * CES 1..7: (answer - 4) / 1.5 (4 = neither easy nor hard).

    An answer's emotion is the mean of the scales it answered; a phase's emotion is the
    mean of its answers.

    Parameters
    ----------
    survey:
        Survey answers with ``phase`` or ``touchpoint_id`` and scores.
    project:
        A ``JourneyProject`` or ``Workbook``: gives the phase order and names and, when
        an answer has no phase, the phase of its touchpoint.

    Returns
    -------
    pandas.DataFrame
        One row per phase of the phase model, in order: ``phase, phase_name, emotion``
        (NaN without answers), ``n`` (answers) and the three parts ``emotion_nps``,
        ``emotion_csat``, ``emotion_ces`` (each the mean of that scale alone).
        Answers that match no phase are counted in ``attrs["unmatched"]``.
    """
    require_frame(survey, "survey")
    proj: JourneyProject = as_project(project)
    pm = proj.phase_model
    tp_phase = {tp.id: tp.phase for tp in proj.touchpoints}
    phase = pd.Series(None, index=survey.index, dtype=object)
    if "phase" in survey.columns:
        lookup = {}
        for p in pm.phases:
            lookup[p.id.casefold()] = p.id
            lookup[p.name.casefold()] = p.id
        phase = survey["phase"].map(
            lambda v: lookup.get(str(v).casefold()) if pd.notna(v) else None
        )
    if "touchpoint_id" in survey.columns:
        phase = phase.where(phase.notna(), survey["touchpoint_id"].map(tp_phase))
    parts = {}
    for metric in ("nps", "csat", "ces"):
        if metric not in survey.columns:
            parts[metric] = pd.Series(np.nan, index=survey.index)
            continue
        lo, hi = SCALES[metric]
        score = pd.to_numeric(survey[metric], errors="coerce").astype(float)
        score = score.where(score.between(lo, hi))
        if metric == "nps":
            parts[metric] = pd.Series(
                np.select([score >= 9, score >= 7, score >= 0], [2.0, 0.0, -2.0], np.nan),
                index=survey.index,
            ).where(score.notna())
        elif metric == "csat":
            parts[metric] = score - 3
        else:
            parts[metric] = (score - 4) / 1.5
    emo = pd.concat(parts, axis=1).mean(axis=1)
    frame = pd.DataFrame(
        {"phase": phase, "emotion": emo, **{f"emotion_{m}": v for m, v in parts.items()}}
    ).dropna(subset=["phase", "emotion"])
    agg = frame.groupby("phase")[["emotion", "emotion_nps", "emotion_csat", "emotion_ces"]].mean()
    sizes = frame.groupby("phase").size()
    rows = [
        (
            p.id,
            p.name,
            float(agg["emotion"].get(p.id, np.nan)),
            int(sizes.get(p.id, 0)),
            *(float(agg[f"emotion_{m}"].get(p.id, np.nan)) for m in ("nps", "csat", "ces")),
        )
        for p in pm.phases
    ]
    out = pd.DataFrame(
        rows, columns=[*EMOTION_COLUMNS, "emotion_nps", "emotion_csat", "emotion_ces"]
    )
    unmatched = int(phase.isna().sum())
    no_score = int((phase.notna() & emo.isna()).sum())
    out.attrs.update(
        unmatched=unmatched,
        no_score=no_score,
        explanation=t("analytics.survey.emotion", unmatched=unmatched, no_score=no_score),
    )
    low = out.dropna(subset=["emotion"])
    if len(low):
        worst = low.iloc[int(low["emotion"].to_numpy().argmin())]
        out.attrs["explanation"] += " " + t(
            "analytics.survey.emotion_low",
            phase=worst["phase_name"],
            value=fmt_num(worst["emotion"], 2),
        )
    return out
