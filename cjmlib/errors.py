"""The one error type of the project.

Every problem a trainee can cause (an invalid value, a broken file, a bad CSV row)
raises :class:`CJMError` or one of its subclasses, with a German message from the
catalogue that says what happened, why, and what to do next.
"""

from __future__ import annotations

from typing import Any


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
        """What IPython shows for this error: the German message and the trainee's line.

        IPython calls this instead of printing a traceback, so a typo in a notebook cell
        shows what to do first, not twenty lines through the library's code.
        """
        lines = [f"⚠️ {self.message}"]
        frame = self.__traceback__
        where = None
        while frame is not None:  # the last frame in a notebook cell is the trainee's line
            name = frame.tb_frame.f_code.co_filename
            if "ipykernel_" in name or name.startswith("<ipython-input") or name == "<string>":
                where = frame.tb_lineno
            frame = frame.tb_next
        if where is not None:
            from cjmlib.messages import t  # messages sits beside errors; imported late

            lines.append(t("exercises.error_in_line", line=where))
        return lines


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
