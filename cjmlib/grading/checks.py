"""Instant checks for self-study, in the style of Kaggle's learntools.

Every task of an exercise notebook has a :class:`Problem` with ``check()``,
``hint()`` and ``solution()``. A problem only *judges*; how the verdict looks
(green, red, grey) is up to :func:`show`. Outcomes are exceptions:
:class:`NotAttempted` (the starter value ``____`` is still there),
:class:`Incorrect` (a German message what is off, never the hidden tests), and the
trainee's own error while we look at the answer.

During grading (``NBGRADER_EXECUTION`` is set) the checks stay silent: the graded
tests decide, and nothing should write to the notebook's output.

Examples
--------
>>> pruefe = uebung("03_beduerfnisse")      # doctest: +SKIP
>>> pruefe.a1.check()                        # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cjmlib.messages import t

__all__ = ["Incorrect", "NotAttempted", "Placeholder", "Problem", "____", "grading", "uebung"]


class Placeholder:
    """The value ``____`` that starter code assigns until the trainee fills it in."""

    _instance: Placeholder | None = None

    def __new__(cls) -> Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


____ = Placeholder()


class NotAttempted(Exception):
    """The task still holds its starter value."""


class Incorrect(Exception):
    """The answer is there but not right; the message says what to look at."""


def grading() -> bool:
    """True while nbgrader runs the notebook (``autograde`` or ``validate``)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def show(kind: str, text: str) -> None:
    """Show a verdict: ``kind`` is correct, incorrect, not_attempted, error, hint, solution."""
    head = t(f"grading.check.{kind}")
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is not None:
            if kind == "solution":
                display(Markdown(f"**{head}**\n\n```python\n{text}\n```"))
            else:
                display(Markdown(f"**{head}** {text}".strip()))
            return
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        pass
    print(f"{head}\n{text}" if kind == "solution" else f"{head} {text}".strip())


# -- comparing answers ---------------------------------------------------------------------
def is_placeholder(value: Any) -> bool:
    return isinstance(value, Placeholder)


def fail(key: str, **params: Any) -> None:
    raise Incorrect(t(f"grading.compare.{key}", **params))


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
    return got == want


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
    for key, want in expected.items():
        if not _matches(value[key], want, tol):
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


# -- problems --------------------------------------------------------------------------------
Checker = Callable[[dict[str, Any]], None]


@dataclass
class Problem:
    """One task: the variables it fills, how to judge them, and where its texts live."""

    exercise: str
    task: str
    variables: tuple[str, ...]
    judge: Checker
    hints: int = 1
    namespace: dict[str, Any] | None = field(default=None, repr=False)

    def _key(self, suffix: str) -> str:
        return f"grading.ex{self.exercise[:2]}.{self.task}.{suffix}"

    def _caller_namespace(self) -> dict[str, Any]:
        if self.namespace is not None:
            return self.namespace
        frame = inspect.currentframe()
        try:
            caller = frame.f_back.f_back if frame and frame.f_back else None
            return dict(caller.f_globals) if caller else {}
        finally:
            del frame

    def verdict(self, namespace: dict[str, Any]) -> tuple[str, str]:
        """Judge the answer in ``namespace``; return (kind, German message)."""
        values = [namespace.get(v, ____) for v in self.variables]
        if any(is_placeholder(v) for v in values):
            names = ", ".join(f"`{v}`" for v in self.variables)
            return "not_attempted", t("grading.check.not_attempted_detail", names=names)
        try:
            self.judge(namespace)
        except Incorrect as exc:
            return "incorrect", str(exc)
        except NotAttempted as exc:
            return "not_attempted", str(exc)
        except Exception as exc:  # the trainee's answer broke our look at it
            return "error", t(
                "grading.check.error_detail", error=type(exc).__name__, message=str(exc)[:300]
            )
        return "correct", t(self._key("correct")) if _has(self._key("correct")) else ""

    def check(self) -> None:
        """Judge the task and show the verdict (silent while nbgrader grades)."""
        if grading():
            return
        kind, message = self.verdict(self._caller_namespace())
        show(kind, message)

    def hint(self, n: int = 1) -> None:
        """Show hint ``n`` (1 = the gentlest)."""
        n = max(1, min(n, self.hints))
        key = self._key("hint") if n == 1 else self._key(f"hint{n}")
        show("hint", t(key))

    def solution(self) -> None:
        """Show the reference solution (generated from the course source)."""
        from cjmlib.grading._solutions import SOLUTIONS

        show(
            "solution",
            SOLUTIONS.get(self.exercise, {}).get(self.task, t("grading.check.no_solution")),
        )


def _has(key: str) -> bool:
    from cjmlib.messages import has

    return has(key)


class Exercise:
    """The problems of one exercise notebook, as attributes ``a1``, ``a2``, ..."""

    def __init__(self, name: str, problems: dict[str, Problem]) -> None:
        self.name = name
        self._problems = problems
        for key, problem in problems.items():
            setattr(self, key, problem)

    def __iter__(self):
        return iter(self._problems.values())

    def __repr__(self) -> str:
        return f"<Übung {self.name}: {', '.join(self._problems)}>"


def uebung(name: str) -> Exercise:
    """Return the instant checks of exercise ``name`` (e.g. ``"03_beduerfnisse"``)."""
    from cjmlib.grading.tasks import TASKS

    if name not in TASKS:
        from cjmlib.errors import CJMError

        allowed = ", ".join(TASKS)
        raise CJMError(
            t("grading.check.unknown_exercise", value=name, allowed=allowed),
            field="name",
            value=name,
            allowed=allowed,
        )
    return Exercise(
        name,
        {
            task: Problem(name, task, spec.variables, spec.judge, spec.hints)
            for task, spec in TASKS[name].items()
        },
    )
