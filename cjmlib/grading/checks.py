"""The vocabulary of checks and judges: outcomes, comparisons, and how a verdict looks.

Outcomes are exceptions, as in Kaggle's learntools: :class:`NotAttempted` (the
starter value ``____`` is still there) and :class:`Incorrect` (a German message what
is off). The comparisons (:func:`same_number`, :func:`same_items`, ...) raise
:class:`Incorrect` with a message from the catalogue; :func:`expect` raises it with
the exercise's own text. How a verdict looks (green, red, grey) is up to :func:`show`.

The checks of one exercise live in its folder (``course/source/<übung>/tasks.py`` and
``judges.py``, see :mod:`cjmlib.grading.exercise`), never in this package.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from typing import Any, NoReturn

import pandas as pd

from cjmlib.messages import t
from cjmlib.placeholder import Placeholder, ____, is_placeholder

__all__ = [
    "Incorrect",
    "NotAttempted",
    "Placeholder",
    "____",
    "expect",
    "fail",
    "grading",
    "is_placeholder",
    "same_frame",
    "same_items",
    "same_mapping",
    "same_number",
    "same_series",
    "same_text",
    "show",
]


class NotAttempted(Exception):
    """The task still holds its starter value."""


class Incorrect(Exception):
    """The answer is there but not right; the message says what to look at."""


def grading() -> bool:
    """True while nbgrader runs the notebook (``autograde`` or ``validate``)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def show(kind: str, text: str) -> None:
    """Show a verdict: ``kind`` is correct, visible_passed, incorrect, not_attempted, error,
    hint or solution."""
    head = t(f"grading.check.{kind}")
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is not None:
            body = (
                f"**{head}**\n\n```python\n{text}\n```"
                if kind == "solution"
                else f"**{head}** {text}"
            )
            display(Markdown(body.strip()))  # type: ignore[no-untyped-call]
            return
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        pass
    print(f"{head}\n{text}" if kind == "solution" else f"{head} {text}".strip())


# -- comparing answers ---------------------------------------------------------------------
def fail(key: str, /, **params: Any) -> NoReturn:
    """Raise :class:`Incorrect` with the catalogue text ``grading.compare.<key>``."""
    raise Incorrect(t(f"grading.compare.{key}", **params))


def expect(condition: bool, message: str) -> None:
    """Raise :class:`Incorrect` with ``message`` (the exercise's own words) unless ``condition``."""
    if not condition:
        raise Incorrect(message)


def same_number(value: Any, expected: float, name: str, *, tol: float = 0.05) -> None:
    """``value`` is a number within ``tol`` of ``expected``."""
    if isinstance(value, bool) or (
        not isinstance(value, (int, float)) and not hasattr(value, "__float__")
    ):
        fail("not_a_number", name=name, given=type(value).__name__)
    number = float(value)
    if math.isnan(number) or abs(number - expected) > tol:
        fail("number_off", name=name, given=round(number, 3))


def _matches(got: Any, want: Any, tol: float) -> bool:
    """Numbers within ``tol`` (NaN matches NaN); anything else by equality."""
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            g, w = float(got), float(want)
        except (TypeError, ValueError):
            return False
        return (math.isnan(g) and math.isnan(w)) or abs(g - w) <= tol
    return bool(got == want)


def same_text(given: Any, wanted: str) -> bool:
    """A statement typed off a table equals ``wanted``: case, spacing and the closing
    full stop or exclamation mark do not count."""

    def plain(text: Any) -> str:
        return re.sub(r"\s+", " ", str(text)).strip().rstrip(".!").casefold()

    return isinstance(given, str) and plain(given) == plain(wanted)


def same_items(value: Any, expected: Iterable[Any], name: str, *, ordered: bool = False) -> None:
    """``value`` is a list (or set) with the expected entries."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        fail("not_a_list", name=name, given=type(value).__name__)
    given, wanted = list(value), list(expected)
    if len(given) != len(wanted):
        fail("count_off", name=name, given=len(given), expected=len(wanted))
    if ordered and given != wanted:
        if sorted(map(str, given)) == sorted(map(str, wanted)):
            fail("order_off", name=name)
        fail("items_off", name=name)
    if not ordered and sorted(map(str, given)) != sorted(map(str, wanted)):
        fail("items_off", name=name)


def same_mapping(
    value: Any, expected: dict[str, Any], name: str, *, as_sets: bool = False, tol: float = 0.05
) -> None:
    """``value`` is a dict with the expected keys and values."""
    if not isinstance(value, dict):
        fail("not_a_dict", name=name, given=type(value).__name__)
    missing = [k for k in expected if k not in value]
    if missing:
        fail("keys_missing", name=name, keys=", ".join(map(str, missing)))
    extra = [k for k in value if k not in expected]
    if extra:
        fail("keys_extra", name=name, keys=", ".join(map(str, extra)))
    for key, want in expected.items():
        got = value[key]
        if as_sets:
            if not isinstance(got, Iterable) or isinstance(got, str) or set(got) != set(want):
                fail("value_off", name=name, key=key)
        elif not (_matches(got, want, tol) if isinstance(want, float) else got == want):
            fail("value_off", name=name, key=key)


def same_series(value: Any, expected: pd.Series, name: str, *, tol: float = 0.05) -> None:
    """``value`` is a Series with the expected index (in order) and values."""
    if isinstance(value, pd.DataFrame) and value.shape[1] == 1:
        value = value.iloc[:, 0]
    if not isinstance(value, pd.Series):
        fail("not_a_series", name=name, given=type(value).__name__)
    if list(map(str, value.index)) != list(map(str, expected.index)):
        if sorted(map(str, value.index)) == sorted(map(str, expected.index)):
            fail("order_off", name=name)
        fail("index_off", name=name, expected=", ".join(map(str, expected.index)))
    for key, got, want in zip(expected.index, value.tolist(), expected.tolist(), strict=True):
        if not _matches(got, want, tol):
            fail("value_off", name=name, key=key)


def same_frame(
    value: Any,
    expected: pd.DataFrame,
    name: str,
    *,
    columns: list[str] | None = None,
    tol: float = 0.05,
    check_index: bool = False,
) -> None:
    """``value`` is a DataFrame with the expected columns and rows (in order)."""
    if not isinstance(value, pd.DataFrame):
        fail("not_a_frame", name=name, given=type(value).__name__)
    cols = columns or list(expected.columns)
    missing = [c for c in cols if c not in value.columns]
    if missing:
        fail("columns_missing", name=name, columns=", ".join(missing))
    if len(value) != len(expected):
        fail("rows_off", name=name, given=len(value), expected=len(expected))
    if check_index and list(map(str, value.index)) != list(map(str, expected.index)):
        fail("index_off", name=name, expected=", ".join(map(str, expected.index)))
    for col in cols:
        got, want = value[col].tolist(), expected[col].tolist()
        if not all(_matches(g, w, tol) for g, w in zip(got, want, strict=True)):
            fail("column_off", name=name, column=col)
