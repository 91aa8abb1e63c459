"""Turn an operating-system error into a German message that says what to do.

``OSError`` texts come from the operating system in English ("No space left on
device"); a trainee needs to read what happened to *their* file and what to do next. The
``errno`` decides the message; the English text never reaches the trainee.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Literal

from cjmlib.errors import CJMError
from cjmlib.messages import t

__all__ = ["Action", "os_error"]

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


def os_error(exc: OSError, path: str | Path, action: Action) -> CJMError:
    """Return the German :class:`CJMError` for ``exc``, raised while ``action``-ing ``path``.

    Examples
    --------
    >>> try:
    ...     open("/nicht/da.csv")
    ... except OSError as exc:
    ...     print(os_error(exc, "/nicht/da.csv", "read"))  # doctest: +ELLIPSIS
    Die Datei „/nicht/da.csv“ konnte nicht gelesen werden: ...
    """
    kind = _KIND_BY_ERRNO.get(exc.errno or -1, "other")
    return CJMError(
        t(
            "files.os_error",
            path=str(path),
            action=t(f"files.action.{action}"),
            reason=t(f"files.reason.{kind}", errno=exc.errno if exc.errno is not None else "–"),
        ),
        field="path",
        value=str(path),
    )
