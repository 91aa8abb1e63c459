"""Give one student more time for one assignment (nbgrader's "extension").

nbgrader stores an extension per submission and adds it to the due date when it
computes lateness, but offers no command for it. Run in the course folder::

    python -m cjmlib.grading.extension 03_beduerfnisse jonas.koch --days 2
    python -m cjmlib.grading.extension 03_beduerfnisse jonas.koch --days 0   # take it back

Give it before ``nbgrader autograde`` (the submission entry is made if needed), or
afterwards and grade that student again with ``--force``: the late penalty is computed
when autograding.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry  # type: ignore[import-untyped]

from cjmlib.errors import CJMError
from cjmlib.grading.build import ensure_tools_on_path
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

__all__ = ["grant", "main"]


def grant(
    course: Path, assignment: str, student: str, *, days: float = 0, hours: float = 0
) -> dt.timedelta | None:
    """Set ``student``'s extension for ``assignment`` (0 removes it); return it."""
    ensure_tools_on_path()
    database = course / "gradebook.db"
    if not database.exists():
        raise CJMError(t("classroom.extension.no_gradebook", course=course), field="course")
    with Gradebook(f"sqlite:///{database}") as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            known = ", ".join(a.name for a in gb.assignments) or "–"
            raise unknown_choice(
                "classroom.extension.no_assignment",
                allowed=known,
                value=assignment,
                field="assignment",
            ) from None
        try:
            gb.find_student(student)
        except MissingEntry:
            raise CJMError(
                t("classroom.extension.no_student", value=student), field="student", value=student
            ) from None
        gb.update_or_create_submission(assignment, student)
        gb.grant_extension(assignment, student, days=days, hours=hours)
        extension: dt.timedelta | None = gb.find_submission(assignment, student).extension
        return extension


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cjmlib.grading.extension", description=t("classroom.extension.cli")
    )
    parser.add_argument("assignment", help=t("classroom.extension.cli_assignment"))
    parser.add_argument("student", help=t("classroom.extension.cli_student"))
    parser.add_argument("--days", type=float, default=0, help=t("classroom.extension.cli_days"))
    parser.add_argument("--hours", type=float, default=0, help=t("classroom.extension.cli_hours"))
    parser.add_argument("--course", default=".", help=t("classroom.extension.cli_course"))
    args = parser.parse_args(argv)
    try:
        extension = grant(
            Path(args.course), args.assignment, args.student, days=args.days, hours=args.hours
        )
    except CJMError as error:
        print(error, file=sys.stderr)
        return 1
    if extension is None:
        print(t("classroom.extension.removed", student=args.student, assignment=args.assignment))
    else:
        hours = extension.total_seconds() / 3600
        print(
            t(
                "classroom.extension.granted",
                student=args.student,
                assignment=args.assignment,
                hours=f"{hours:g}".replace(".", ","),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
