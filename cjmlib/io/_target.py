"""Where an export may be written: a known file type in an existing folder."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from cjmlib.errors import CJMError
from cjmlib.messages import t


def export_target(path: str | os.PathLike[str], formats: Iterable[str], message: str) -> Path:
    """Return ``path`` as a Path, or raise the German ``message`` naming the allowed types."""
    formats = tuple(formats)
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in formats:
        raise CJMError(
            t(message, suffix=suffix or "–", allowed=", ".join(formats)),
            field="path",
            value=str(target),
            allowed=", ".join(formats),
        )
    if not target.parent.is_dir():
        raise CJMError(
            t("export.common.no_folder", folder=target.parent), field="path", value=str(target)
        )
    return target
