"""Übung 13 · Abschlussprojekt: the judges ask what the visible checks ask (instructor only).

Completeness is not a secret, so each judge is the visible check itself.
"""

from cjmlib.grading.capstone import PARTS, part_check

JUDGES = {key: part_check(key) for key in PARTS}
CORRECT = dict.fromkeys(PARTS, "Dieser Teil deines Abschlussprojekts ist vollständig.")
