"""Graded exercises: nbgrader course tooling and instant checks for self-study.

- :func:`uebung` returns the instant checks of one exercise (``check``/``hint``/``solution``).
- :data:`____` is the starter placeholder; untouched answers read as "not attempted".
- :func:`uebungsdaten` returns the exercise tables.
- :mod:`cjmlib.grading.guard` undoes shadowed builtins/``cjmlib`` functions before tests.
- :mod:`cjmlib.grading.build` generates ``exercises/`` and ``solutions/`` from ``course/source``.
- :mod:`cjmlib.grading.parallel` autogrades a class on all cores.
- :mod:`cjmlib.grading.sandbox` and :mod:`cjmlib.grading.feedback` plug into nbgrader.
"""

from cjmlib.grading import guard
from cjmlib.grading.checks import Incorrect, NotAttempted, Placeholder, Problem, ____, uebung
from cjmlib.grading.data import uebungsdaten

__all__ = [
    "Incorrect",
    "NotAttempted",
    "Placeholder",
    "Problem",
    "____",
    "guard",
    "uebung",
    "uebungsdaten",
]
