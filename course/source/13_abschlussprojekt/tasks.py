"""Übung 13 · Abschlussprojekt: one task per completeness check of the capstone (released).

Each task is worth its check's points (:mod:`cjmlib.grading.capstone`), so the
autograded total equals the workbook's completeness score. The quality is graded by
hand with the rubric in the notebook.
"""

from cjmlib.grading import Task
from cjmlib.grading.capstone import PARTS, part_check

HINT = (
    "Die Meldung nennt das Kapitel, in dem du den fehlenden Teil ergänzt. Ergänze ihn dort "
    "(es ist dasselbe Arbeitsbuch), kopiere die Datei neu hierher und führe dieses Notebook "
    "noch einmal aus."
)

TASKS = {key: Task(answers=(), check=part_check(key), hints=(HINT,)) for key in PARTS}
