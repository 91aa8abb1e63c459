"""Graded exercises: nbgrader course tooling and the checks of the exercise notebooks.

- :func:`uebung` returns the checks of one exercise (``check``/``hint``/``test``, and
  ``solution`` in the self-study edition), bound to the notebook's ``globals()``.
- :data:`____` is the starter placeholder; untouched answers read as "not attempted".
- :func:`uebungsdaten` returns the exercise data; :class:`Task` describes one task in an
  exercise's ``tasks.py`` (see :mod:`cjmlib.grading.exercise` for the folder layout).
- :mod:`cjmlib.grading.answers` hands answers over as plain data;
  :mod:`cjmlib.grading.verdicts` judges them in the grader, outside the trainee's kernel.
- :mod:`cjmlib.grading.build` generates ``exercises/`` and ``solutions/`` from ``course/source``.
- :mod:`cjmlib.grading.parallel` autogrades a class on all cores.
- :mod:`cjmlib.grading.sandbox`, :mod:`~cjmlib.grading.integrity`,
  :mod:`~cjmlib.grading.editions` and :mod:`~cjmlib.grading.feedback` plug into nbgrader.

Nothing in this package knows an answer: solutions and judges stay in the course folder.
"""

from cjmlib.grading.checks import Incorrect, NotAttempted, Placeholder, ____
from cjmlib.grading.exercise import Task, uebung, uebungsdaten

__all__ = [
    "Incorrect",
    "NotAttempted",
    "Placeholder",
    "Task",
    "____",
    "uebung",
    "uebungsdaten",
]
