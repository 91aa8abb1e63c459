"""Turn an operating-system error into a German message that says what to do.

``OSError`` texts come from the operating system in English ("No space left on
device"); a trainee needs to read what happened to *their* file and what to do next. The
``errno`` decides the message; the English text never reaches the trainee.
"""

from __future__ import annotations

import errno
import os
from typing import Literal

from cjmlib.errors import CJMError
from cjmlib.messages import t

__all__ = ["Action", "os_error", "os_error_kind", "os_reason"]

#: What we were doing with the file: the message names it.
Action = Literal["read", "write", "create", "delete", "list"]

_KIND_BY_ERRNO: dict[int, str] = {
    errno.ENOENT: "missing",
    errno.EACCES: "permission",
    errno.EPERM: "permission",
    errno.EROFS: "read_only",
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_full",
    errno.EFBIG: "too_big",
    errno.EISDIR: "is_directory",
    errno.ENOTDIR: "not_directory",
    errno.ENAMETOOLONG: "name_too_long",
    errno.EMFILE: "too_many_open",
    errno.ENFILE: "too_many_open",
    errno.ELOOP: "link_loop",
    errno.EBUSY: "busy",
    errno.ETXTBSY: "busy",
    errno.EIO: "io",
}


def os_error_kind(exc: OSError) -> str:
    """A short name for what went wrong (``"disk_full"``, ``"read_only"``, ... ``"other"``)."""
    return _KIND_BY_ERRNO.get(exc.errno or -1, "other")


def os_reason(exc: OSError) -> str:
    """The German sentence for ``exc``: why it failed and what to do (no English OS text).

    For callers that word the first half of the message themselves, e.g. the workbook's
    "Das Arbeitsbuch … konnte nicht gespeichert werden: <reason>".
    """
    return t(
        f"files.reason.{os_error_kind(exc)}",
        errno=exc.errno if exc.errno is not None else "–",
    )


def os_error(exc: OSError, path: str | os.PathLike[str], action: Action) -> CJMError:
    """Return the German :class:`CJMError` for ``exc``, raised while ``action``-ing ``path``.

    Examples
    --------
    >>> try:
    ...     open("/nicht/da.csv")
    ... except OSError as exc:
    ...     print(os_error(exc, "/nicht/da.csv", "read"))  # doctest: +ELLIPSIS
    Die Datei „/nicht/da.csv“ konnte nicht gelesen werden: ...
    """
    return CJMError(
        t(
            "files.os_error",
            path=str(path),
            action=t(f"files.action.{action}"),
            reason=os_reason(exc),
        ),
        field="path",
        value=str(path),
    )
