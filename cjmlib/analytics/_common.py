"""Shared helpers of the analytics modules: column checks, German numbers, step lookup,
conversion conditions.

Nothing here is public API. The event computations themselves are SQL run by
:mod:`cjmlib.analytics.engine`; the helpers here check their arguments and say in
German what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

# German number formats; their home is the message layer (analytics modules import them here).
from cjmlib.messages.text import fmt_int as fmt_int
from cjmlib.messages.text import fmt_num as fmt_num
from cjmlib.messages.text import fmt_pct as fmt_pct

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import ArrayLike

    from cjmlib.analytics.runners import Events

#: Fewer answers than this behind a figure earn a German warning.
MIN_ANSWERS = 30


def require_frame(data: object, name: str) -> pd.DataFrame:
    """Raise a German error unless ``data`` is a DataFrame."""
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise CJMError(
            t("analytics.error.not_a_frame", name=name, kind=type(data).__name__),
            field=name,
            value=type(data).__name__,
        )
    return data


def require_columns(df: pd.DataFrame | Iterable[str], columns: Iterable[str], name: str) -> None:
    """Raise a German error naming the missing columns and the ones available.

    ``df`` is a DataFrame or the names of the columns there are.
    """
    present = [str(c) for c in getattr(df, "columns", df)]
    missing = [c for c in columns if c not in present]
    if missing:
        allowed = ", ".join(present) or "–"
        raise unknown_choice(
            "analytics.error.missing_columns",
            allowed=allowed,
            value=missing,
            field=missing[0],
            name=name,
            missing=", ".join(missing),
        )


def check_by(ev: Events, by: object) -> str:
    """Return ``by`` when it is a column of the log; else raise a German error."""
    if not isinstance(by, str) or not ev.has(by) or by in ("customer_id", "timestamp"):
        allowed = ", ".join(c for c in ev.columns if c not in ("customer_id", "timestamp"))
        raise unknown_choice("analytics.error.unknown_by", allowed=allowed, value=by, field="by")
    return by


def check_steps(steps: object, by: str) -> list[str]:
    """Return ``steps`` as a list of texts; at least two are needed."""
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence) or len(steps) < 2:
        raise CJMError(t("analytics.error.steps_too_few", by=by), field="steps", value=steps)
    return [str(s) for s in steps]


def resolve_steps(steps: Sequence[str], values: Sequence[str], by: str) -> list[str]:
    """Return each step spelled as in the data (case-insensitive); German error if absent."""
    lookup = {v: v for v in values}
    folded = {v.casefold(): v for v in values}
    out = []
    for step in steps:
        found = lookup.get(step, folded.get(step.casefold()))
        if found is None:
            allowed = ", ".join(values) or "–"
            raise unknown_choice(
                "analytics.error.unknown_step", allowed=allowed, value=step, field="steps", by=by
            )
        out.append(found)
    return out


def step_expr(ev: Events, column: str) -> str:
    """SQL for a step column as text (no cast when it is text already)."""
    col = ev.q(column)
    return col if ev.types.get(column) == "text" else ev.dialect.text(col)


CONVERSION_COLUMNS = ("touchpoint_id", "touchpoint", "phase")


def conversion_sql(ev: Events, conversion: str | None) -> str:
    """SQL that is TRUE for conversion events (never NULL); German error if none exist.

    ``None`` means purchase events, i.e. rows with a ``value`` (revenue); a string is
    matched against ``touchpoint_id``, ``touchpoint`` and ``phase`` (case-insensitive).
    """
    d = ev.dialect
    if conversion is None:
        if not ev.has("value"):
            raise CJMError(t("analytics.error.no_conversion"), field="conversion")
        return f"({ev.q('value')} IS NOT NULL)"
    wanted = d.lit(str(conversion).casefold())
    parts = [f"lower({step_expr(ev, col)}) = {wanted}" for col in CONVERSION_COLUMNS if ev.has(col)]
    cond = f"COALESCE({' OR '.join(parts) or 'FALSE'}, FALSE)"
    hit = ev.fetch(f"SELECT 1 AS hit FROM {ev.rel} WHERE {cond} LIMIT 1")
    if not len(hit):
        seen: list[str] = []
        for col in CONVERSION_COLUMNS:
            if ev.has(col):
                seen.extend(ev.values(col))
        raise _unknown_conversion(conversion, seen)
    return cond


def _unknown_conversion(conversion: object, seen: list[str]) -> CJMError:
    """The German error for a conversion step the log does not have, listing the steps it has."""
    return unknown_choice(
        "analytics.error.unknown_conversion",
        allowed=", ".join(dict.fromkeys(seen)) or "–",
        value=conversion,
        field="conversion",
    )


def conversion_events(ev: Events, by: object, conversion: str | None) -> tuple[str, str]:
    """``by`` checked, and the CTE ``b`` a conversion metric starts from.

    ``b`` has one row per event: customer ``c``, time ``t``, step ``s`` (the ``by``
    column as text) and ``cv``, whether the event is a conversion (:func:`conversion_sql`).
    """
    by = check_by(ev, by)
    conv = conversion_sql(ev, conversion)
    step = step_expr(ev, by)
    cte = (
        f"b AS (SELECT {ev.q('customer_id')} AS c, {ev.q('timestamp')} AS t, "
        f"{step} AS s, {conv} AS cv FROM {ev.rel})"
    )
    return by, cte


def codes_of(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return (integer codes, categories) of a column; missing values get code -1."""
    import numpy as np
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = np.asarray(series.cat.categories, dtype=object)
        return np.asarray(series.cat.codes), cats
    codes, uniques = pd.factorize(series, sort=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def conversion_mask(events: pd.DataFrame, conversion: str | None) -> np.ndarray:
    """Return a boolean mask of the conversion events (aligned with the original rows).

    ``None`` means purchase events, i.e. rows with a ``value`` (revenue); a string is
    matched against ``touchpoint_id``, ``touchpoint`` and ``phase`` (case-insensitive).
    """
    import numpy as np

    if conversion is None:
        if "value" not in events.columns:
            raise CJMError(t("analytics.error.no_conversion"), field="conversion")
        return np.asarray(events["value"].notna())
    wanted = str(conversion).casefold()
    mask = np.zeros(len(events), dtype=bool)
    seen: list[str] = []
    for col in ("touchpoint_id", "touchpoint", "phase"):
        if col in events.columns:
            codes, cats = codes_of(events[col])
            hits = [i for i, c in enumerate(cats) if str(c).casefold() == wanted]
            seen.extend(map(str, cats))
            if hits:
                mask |= np.isin(codes, hits)
    if not mask.any():
        raise _unknown_conversion(conversion, seen)
    return mask


def wilson(
    successes: ArrayLike, n: ArrayLike, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions (NaN where n == 0)."""
    import numpy as np
    from statsmodels.stats.proportion import proportion_confint

    s = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    safe = np.where(m > 0, m, 1.0)
    low, high = proportion_confint(np.minimum(s, safe), safe, alpha=alpha, method="wilson")
    low = np.where(m > 0, low, np.nan)
    high = np.where(m > 0, high, np.nan)
    return low, high


def small_sample_note(n: int) -> str:
    """Return the German warning for fewer than :data:`MIN_ANSWERS`, else ""."""
    if 0 < n < MIN_ANSWERS:
        return t("analytics.warning.small_sample", n=n, min=MIN_ANSWERS)
    if n == 0:
        return t("analytics.warning.no_data")
    return ""
