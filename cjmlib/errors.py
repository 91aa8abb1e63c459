"""The one error type of the project.

Every problem a trainee can cause (an invalid value, a broken file, a bad CSV row)
raises :class:`CJMError` or one of its subclasses, with a German message from the
catalogue that says what happened, why, and what to do next.
"""

from __future__ import annotations

import linecache
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

#: Frames in these folders are ours or a library's, never the trainee's code.
_NOT_TRAINEE = tuple(
    {str(Path(__file__).resolve().parent), sys.prefix, sys.base_prefix, sys.exec_prefix}
)
#: Lines of the trainee's statement shown under the message (a long call is cut).
_MAX_CODE_LINES = 6


class CJMError(ValueError):
    """A problem the trainee can fix; the message says how.

    Parameters
    ----------
    message:
        The finished, translated message shown to the trainee.
    field:
        The name of the field or column concerned, if any.
    value:
        The value that was given.
    allowed:
        A readable description of what is allowed instead.
    details:
        Further structured details (for example a list of row problems).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        allowed: str | None = None,
        details: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.allowed = allowed
        self.details = list(details or [])

    def __str__(self) -> str:
        return self.message

    def _render_traceback_(self) -> list[str]:
        """What a notebook shows when this error ends a cell: the German message first.

        IPython calls this instead of printing a traceback (``InteractiveShell.showtraceback``);
        the cell output is still an *error* output, so nbgrader grades the cell as failed.
        We show a German heading, the message (what happened, why, what to do; its lines
        broken between words at 90 characters, as :func:`cjmlib.display.show_text` does) and the
        statement of the trainee's own cell that led here; the frames inside ``cjmlib``,
        pydantic and pandas only distract a trainee. ``CJM_TRACEBACK=1`` in the environment
        adds the full Python traceback for developers.
        """
        from cjmlib.messages import t, wrap_lines

        # JupyterLab breaks a longer line anywhere, even inside a word: wrap between words.
        message = wrap_lines(self.message).splitlines()
        lines = [f"\x1b[1;31m{t('errors.shown.heading')}\x1b[0m", *message]
        where = _trainee_statement(self.__traceback__, self.field)
        if where is not None:
            lineno, code = where
            lines += ["", f"\x1b[1m{t('errors.shown.where', line=lineno)}\x1b[0m", *code]
        if os.environ.get("CJM_TRACEBACK"):
            lines += ["", *"".join(traceback.format_exception(self)).splitlines()]
        return lines


def _trainee_statement(
    tb: TracebackType | None, field: str | None = None
) -> tuple[int, list[str]] | None:
    """The line number and the lines of the last statement outside our and library code.

    In a statement of several lines, the line that sets ``field`` (``relevance=7``) is
    marked with an arrow, so the trainee sees at once which value to correct.
    """
    found = None
    for frame in traceback.extract_tb(tb):
        if not frame.filename.startswith(_NOT_TRAINEE) and not frame.filename.startswith("<"):
            found = frame
    if found is None or found.lineno is None:
        return None
    last = found.end_lineno or found.lineno
    last = min(last, found.lineno + _MAX_CODE_LINES - 1)
    code = [
        linecache.getline(found.filename, n).rstrip("\n") for n in range(found.lineno, last + 1)
    ]
    if not any(line.strip() for line in code):
        return None
    mark = f"{field}=" if field and len(code) > 1 else None
    marked = [
        f"→ {line}" if mark and line.lstrip().replace(" ", "").startswith(mark) else f"  {line}"
        for line in code
    ]
    return found.lineno, marked


class WorkbookError(CJMError):
    """A workbook file cannot be read or written as asked."""

    def __init__(
        self, message: str, *, path: str | None = None, last_good: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.path = path
        self.last_good = last_good


class ImportProblem(CJMError):
    """An import found bad rows; ``details`` lists them (row, column, reason)."""
