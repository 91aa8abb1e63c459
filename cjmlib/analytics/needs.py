"""Needs: the opportunity score of Ulwick's outcome-driven method.

opportunity = importance + max(importance - satisfaction, 0), both on 1..10;
a need scoring above 10 counts as underserved.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cjmlib.analytics._common import require_columns
from cjmlib.errors import CJMError
from cjmlib.messages import t

UNDERSERVED_ABOVE = 10


def score_needs(needs: Any) -> pd.DataFrame:
    """Add the opportunity score and the underserved flag to a table of needs.

    Parameters
    ----------
    needs:
        A DataFrame with ``importance`` and ``satisfaction`` (1..10), a list of
        :class:`cjmlib.model.Need` or a workbook collection (``wb.needs``).

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``opportunity`` and ``underserved``, sorted by
        ``opportunity`` (highest first). Rows with a missing or out-of-range score are
        kept with ``opportunity`` NaN and counted in ``attrs["invalid"]``.
    """
    if isinstance(needs, pd.DataFrame):
        frame = needs.copy()
    else:
        try:
            frame = pd.DataFrame([n.model_dump() for n in needs])
        except (AttributeError, TypeError) as exc:
            raise CJMError(
                t("analytics.error.not_a_frame", name="needs", kind=type(needs).__name__),
                field="needs",
            ) from exc
    if frame.empty:
        frame = pd.DataFrame(columns=["importance", "satisfaction"])
    require_columns(frame, ["importance", "satisfaction"], "needs")
    imp = pd.to_numeric(frame["importance"], errors="coerce")
    sat = pd.to_numeric(frame["satisfaction"], errors="coerce")
    valid = imp.between(1, 10) & sat.between(1, 10)
    frame["opportunity"] = np.where(valid, imp + np.maximum(imp - sat, 0), np.nan)
    frame["underserved"] = frame["opportunity"] > UNDERSERVED_ABOVE
    frame = frame.sort_values(
        "opportunity", ascending=False, kind="stable", na_position="last"
    ).reset_index(drop=True)
    invalid = int((~valid).sum())
    under = int(frame["underserved"].sum())
    frame.attrs.update(
        invalid=invalid,
        explanation=t("analytics.needs.summary", n=int(valid.sum()), under=under, invalid=invalid),
    )
    return frame
