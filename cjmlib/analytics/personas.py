"""Personas from data: cluster customers by behaviour and survey answers.

The steps: :func:`build_customer_features` (one row per customer),
:func:`cluster_customers` (k-means on standardised features, 2-5 groups, k chosen by
the silhouette score unless given), :func:`describe_clusters` (profile and German
description per group), :func:`cluster_stability` (adjusted Rand index over
subsamples and seeds) and :func:`draft_personas` (persona skeletons for the builder).

A cluster is a statistical group, not a person: the drafts carry the evidence
"Web-Analyse" (and "Umfrage" when answers were used) and leave name, quote and story
to the trainee.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cjmlib.analytics._common import (
    conversion_mask,
    fmt_int,
    fmt_num,
    fmt_pct,
    require_columns,
    require_frame,
)
from cjmlib.analytics.privacy import DEFAULT_K
from cjmlib.analytics.switches import DESKTOP, MOBILE
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import Evidence, Persona

K_RANGE = (2, 5)
FEATURES = (
    "events",
    "touchpoints",
    "online_share",
    "mobile_share",
    "purchases",
    "revenue",
    "active_days",
    "nps",
    "csat",
    "ces",
)


def build_customer_features(
    events: pd.DataFrame, survey: pd.DataFrame | None = None, *, conversion: str | None = None
) -> pd.DataFrame:
    """Summarise each customer's behaviour (and survey answers) in numeric features.

    Parameters
    ----------
    events:
        Event log with ``customer_id``, ``timestamp`` and, where present,
        ``touchpoint``, ``online``, ``device``, ``value``.
    survey:
        Optional survey answers with ``customer_id`` and ``nps``/``csat``/``ces``.
    conversion:
        The purchase step; None = events with a ``value``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``; columns from ``events, touchpoints, online_share,
        mobile_share, purchases, revenue, active_days`` and the customer's mean
        ``nps, csat, ces`` (missing answers filled with the overall mean, the share of
        filled values in ``attrs["filled"]``).
    """
    require_frame(events, "events")
    require_columns(events, ["customer_id", "timestamp"], "events")
    cid = events["customer_id"].astype(str)
    ts = pd.to_datetime(events["timestamp"], errors="coerce")
    data = {"customer_id": cid, "ts": ts}
    if "touchpoint" in events.columns:
        data["tp"] = events["touchpoint"].astype(str)
    if "online" in events.columns:
        data["online"] = events["online"].astype(float)
    if "device" in events.columns:
        dev = events["device"].astype(str).str.casefold()
        data["mobile"] = np.where(dev.isin(MOBILE), 1.0, np.where(dev.isin(DESKTOP), 0.0, np.nan))
    try:
        data["purchase"] = conversion_mask(events, conversion)
    except CJMError:
        data["purchase"] = np.zeros(len(events), dtype=bool)
    data["value"] = events["value"] if "value" in events.columns else np.nan
    frame = pd.DataFrame(data)
    g = frame.groupby("customer_id", sort=True)
    out = pd.DataFrame({"events": g.size()})
    if "tp" in frame:
        out["touchpoints"] = g["tp"].nunique()
    if "online" in frame:
        out["online_share"] = g["online"].mean()
    if "mobile" in frame:
        out["mobile_share"] = g["mobile"].mean()
    out["purchases"] = g["purchase"].sum()
    out["revenue"] = g["value"].sum()
    out["active_days"] = (g["ts"].max() - g["ts"].min()).dt.total_seconds() / 86400
    filled = {}
    if survey is not None:
        require_frame(survey, "survey")
        require_columns(survey, ["customer_id"], "survey")
        for m in ("nps", "csat", "ces"):
            if m in survey.columns:
                means = (
                    pd.to_numeric(survey[m], errors="coerce")
                    .astype(float)
                    .groupby(survey["customer_id"].astype(str))
                    .mean()
                )
                col = means.reindex(out.index)
                filled[m] = float(col.isna().mean())
                out[m] = col.fillna(means.mean())
    out = out.astype(float).fillna(0.0)
    out.attrs["filled"] = filled
    return out


def _scaled(features: pd.DataFrame) -> np.ndarray:
    from sklearn.preprocessing import StandardScaler  # imported late: scikit-learn is heavy

    require_frame(features, "features")
    num = features.select_dtypes("number")
    if num.shape[1] == 0 or len(num) < 10:
        raise CJMError(t("analytics.error.too_few_customers", n=len(num)), field="features")
    x = StandardScaler().fit_transform(num.to_numpy(dtype=float))
    out: np.ndarray = np.nan_to_num(x)
    return out


def cluster_customers(
    features: pd.DataFrame, *, k: int | None = None, seed: int = 0, sample: int = 5000
) -> pd.DataFrame:
    """Group customers with k-means on standardised features (2 to 5 groups).

    Parameters
    ----------
    features:
        Output of :func:`build_customer_features` (or any numeric table per customer).
    k:
        Number of groups (2..5); None = the k with the best silhouette score.
    seed:
        Random seed (same seed, same result).
    sample:
        At most this many customers are used for the silhouette score.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` and ``cluster`` (1..k, 1 = the largest group).
        ``attrs["silhouette"]`` maps each tried k to its score, ``attrs["k"]`` is used.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    x = _scaled(features)
    lo, hi = K_RANGE
    if k is not None and not (isinstance(k, (int, np.integer)) and lo <= k <= hi):
        raise CJMError(t("analytics.error.k_clusters", value=k, lo=lo, hi=hi), field="k", value=k)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(x), size=min(sample, len(x)), replace=False)
    scores: dict[int, float] = {}
    labels_by_k: dict[int, np.ndarray] = {}
    for kk in [k] if k else range(lo, min(hi, len(x) - 1) + 1):
        labels = KMeans(n_clusters=kk, n_init=10, random_state=seed).fit_predict(x)
        labels_by_k[kk] = labels
        sub = labels[idx]
        scores[kk] = float(silhouette_score(x[idx], sub)) if len(set(sub)) > 1 else float("nan")
    best = k or max(scores, key=lambda kk: (np.nan_to_num(scores[kk], nan=-1), -kk))
    labels = _relabel(labels_by_k[best])
    out = pd.DataFrame({"customer_id": features.index.astype(str), "cluster": labels})
    out.attrs.update(
        k=best,
        silhouette=scores,
        seed=seed,
        explanation=t(
            "analytics.personas.clustered",
            n=fmt_int(len(out)),
            k=best,
            score=fmt_num(scores[best], 2),
        ),
    )
    return out


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Number the clusters 1..k by size (1 = largest) so results read the same each run."""
    sizes = np.bincount(labels)
    order = np.argsort(-sizes, kind="stable")
    mapping = np.empty_like(order)
    mapping[order] = np.arange(1, len(order) + 1)
    out: np.ndarray = mapping[labels]
    return out


def cluster_stability(
    features: pd.DataFrame, *, k: int, runs: int = 10, seed: int = 0, fraction: float = 0.8
) -> pd.DataFrame:
    """Tell how stable the groups are: refit on subsamples and compare (adjusted Rand).

    Each run draws ``fraction`` of the customers, fits k-means with another seed and
    compares its groups with the full fit on the same customers. 1 = identical groups,
    around 0 = no better than chance.

    Returns
    -------
    pandas.DataFrame
        ``run, seed, customers, ari``; ``attrs["mean"]``, ``attrs["min"]``, a verdict in
        ``attrs["verdict"]`` (stable >= 0.8, medium >= 0.6, unstable) and a German
        ``explanation``.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    x = _scaled(features)
    reference = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)
    rng = np.random.default_rng(seed)
    rows = []
    for run in range(1, runs + 1):
        idx = rng.choice(len(x), size=max(int(fraction * len(x)), k + 1), replace=False)
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed + run).fit_predict(x[idx])
        rows.append((run, seed + run, len(idx), float(adjusted_rand_score(reference[idx], labels))))
    out = pd.DataFrame(rows, columns=["run", "seed", "customers", "ari"])
    mean, low = float(out["ari"].mean()), float(out["ari"].min())
    verdict = "stable" if mean >= 0.8 else "medium" if mean >= 0.6 else "unstable"
    out.attrs.update(
        mean=mean,
        min=low,
        verdict=verdict,
        explanation=t(
            f"analytics.personas.stability_{verdict}",
            runs=runs,
            mean=fmt_num(mean, 2),
            low=fmt_num(low, 2),
        ),
    )
    return out


PROFILE_BASE = ["cluster", "customers", "share", "description", "small"]


def describe_clusters(
    features: pd.DataFrame,
    clusters: pd.DataFrame,
    *,
    events: pd.DataFrame | None = None,
    k_min: int = DEFAULT_K,
) -> pd.DataFrame:
    """Profile each group: size, mean features, main channels and a German description.

    Parameters
    ----------
    features:
        Output of :func:`build_customer_features`.
    clusters:
        Output of :func:`cluster_customers`.
    events:
        Optional event log: adds ``channels`` and ``devices`` (most used, top 3).
    k_min:
        Groups with fewer customers are flagged ``small`` and get no description
        (a profile of so few people could point to individuals).

    Returns
    -------
    pandas.DataFrame
        ``cluster, customers, share, description, small``, the mean of every feature
        and, with ``events``, ``channels`` and ``devices``.
    """
    require_columns(clusters, ["customer_id", "cluster"], "clusters")
    lab = clusters.set_index("customer_id")["cluster"]
    num = features.select_dtypes("number")
    num = num.set_axis(num.index.astype(str))
    joined = num.join(lab, how="inner")
    means = joined.groupby("cluster").mean()
    overall = num.mean()
    spread = num.std(ddof=0).replace(0, np.nan)
    sizes = joined.groupby("cluster").size()
    out = means.copy()
    out.insert(0, "customers", sizes)
    out.insert(1, "share", sizes / sizes.sum())
    out["small"] = out["customers"] < k_min
    descriptions: list[str] = []
    small = out["small"].to_dict()
    shares = out["share"].to_dict()
    for c, row in means.iterrows():
        if small[c]:
            descriptions.append(t("analytics.personas.too_small", k=k_min))
            continue
        z = ((row - overall) / spread).dropna()
        z = z[z.abs() >= 0.25].sort_values(key=np.abs, ascending=False).head(3)
        traits = [
            t(f"analytics.personas.trait.{f}_{'high' if v > 0 else 'low'}")
            for f, v in z.items()
            if f in FEATURES
        ]
        descriptions.append(
            t(
                "analytics.personas.description",
                share=fmt_pct(float(shares[c]), 0),
                traits=", ".join(traits) if traits else t("analytics.personas.trait.average"),
            )
        )
    out["description"] = descriptions
    if events is not None:
        ev = events.assign(customer_id=events["customer_id"].astype(str))
        ev = ev.merge(lab.rename("cluster"), left_on="customer_id", right_index=True)
        for col, name in (("channel", "channels"), ("device", "devices")):
            if col in ev.columns:
                top = ev.groupby("cluster")[col].agg(
                    lambda s: [str(v) for v in s.value_counts().head(3).index]
                )
                out[name] = top.reindex(out.index)
    out = out.reset_index()
    ordered = PROFILE_BASE + [c for c in out.columns if c not in PROFILE_BASE]
    out = out[ordered]
    out.attrs["explanation"] = t("analytics.personas.profiles", k=len(out))
    return out


def draft_personas(profiles: pd.DataFrame, *, survey_used: bool | None = None) -> list[Persona]:
    """Turn cluster profiles into persona skeletons for the persona builder.

    Parameters
    ----------
    profiles:
        Output of :func:`describe_clusters`. Groups flagged ``small`` are skipped.
    survey_used:
        Whether survey answers went into the clustering (adds the evidence
        "Umfrage"); None = guessed from the profile columns.

    Returns
    -------
    list[cjmlib.model.Persona]
        One draft per group: a placeholder name, buying habits and online activity from
        the profile, channels and devices, and the evidence. Name, age, quote, needs and
        pain points are for the trainee to complete.
    """
    require_columns(profiles, ["cluster", "customers", "share", "description"], "profiles")
    if survey_used is None:
        survey_used = any(c in profiles.columns for c in ("nps", "csat", "ces"))
    drafts = []
    for _, row in profiles.iterrows():
        if bool(row.get("small", False)):
            continue
        source = t(
            "analytics.personas.evidence_source",
            n=fmt_int(row["customers"]),
            share=fmt_pct(row["share"], 0),
        )
        evidence = [Evidence(kind="Web-Analyse", source=source, about=row["description"])]
        if survey_used:
            evidence.append(Evidence(kind="Umfrage", source=source))
        online = row.get("online_share", np.nan)
        mobile = row.get("mobile_share", np.nan)
        drafts.append(
            Persona(
                name=t("analytics.personas.draft_name", n=int(row["cluster"])),
                buying_habits=t(
                    "analytics.personas.buying",
                    purchases=fmt_num(float(row.get("purchases", 0.0))),
                    revenue=fmt_num(float(row.get("revenue", 0.0)), 0),
                ),
                online_activity=t(
                    "analytics.personas.online",
                    online=fmt_pct(float(online), 0),
                    mobile=fmt_pct(float(mobile), 0),
                ),
                channels=list(row.get("channels", []) or [])
                if isinstance(row.get("channels"), list)
                else [],
                devices=list(row.get("devices", []) or [])
                if isinstance(row.get("devices"), list)
                else [],
                evidence=evidence,
            )
        )
    return drafts
