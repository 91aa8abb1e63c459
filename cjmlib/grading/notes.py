"""Error names of the notes that grading writes into a test cell instead of its output.

One home for the sandbox (:mod:`cjmlib.grading.sandbox.execute` writes them), the
verdicts (:mod:`cjmlib.grading.verdicts` keeps them when a hand-over failed) and the
feedback (:mod:`cjmlib.grading.feedback` shows their German text), so that none of the
three has to import another's module just for this set.
"""

from __future__ import annotations

__all__ = ["SANDBOX_NOTES"]

#: A cell not run after a crash, a kernel that died, a kernel killed after it ignored an
#: interrupt, a cell stopped at the time limit.
SANDBOX_NOTES = frozenset({"NichtAusgeführt", "KernelDead", "Abgebrochen", "Zeitlimit"})
