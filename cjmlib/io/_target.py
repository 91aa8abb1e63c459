"""Where an export may be written, and how: a known file type in an existing folder,
written atomically with every operating-system error in German.

Every export (tables, images, reports, Mermaid) writes through :func:`write_export` or
:func:`write_exports`: the bytes are made in memory first, then written to a temporary
file beside the target, fsynced and renamed over it (:mod:`cjmlib.files.atomic`). A full
disk, a read-only folder, a missing permission, a folder where the file should go or a
name that is too long give a German :class:`~cjmlib.errors.CJMError`; the file that was
there before is untouched and no temporary file is left.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from cjmlib.errors import CJMError
from cjmlib.files import os_error, write_file
from cjmlib.files.atomic import write_files
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice


def export_target(path: str | os.PathLike[str], formats: Iterable[str], message: str) -> Path:
    """Return ``path`` as a Path, or raise the German ``message`` naming the allowed types."""
    formats = tuple(formats)
    target = Path(path).expanduser()
    suffix = target.suffix.lower()
    if suffix not in formats:
        raise unknown_choice(
            message, allowed=formats, value=str(target), field="path", suffix=suffix or "–"
        )
    try:
        folder_exists = target.parent.is_dir()
    except OSError as exc:  # e.g. a folder name longer than the file system allows
        raise os_error(exc, target, "write") from None
    if not folder_exists:
        raise CJMError(
            t("export.common.no_folder", folder=target.parent), field="path", value=str(target)
        )
    return target


def write_export(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically (German errors); return ``target``."""
    write_file(target, data)
    return target


def write_exports(items: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Write several export files: none changes unless all could be written out first."""
    write_files(items)
    return [target for target, _ in items]


def encode_text(text: str, target: Path, *, bom: bool = False) -> bytes:
    """``text`` as UTF-8 (with BOM if asked), or a German error for a character UTF-8 lacks."""
    try:
        return ("\ufeff" + text if bom else text).encode("utf-8")
    except UnicodeEncodeError as exc:
        char = f"U+{ord(exc.object[exc.start]):04X}"
        raise CJMError(
            t("export_files.bad_character", path=target, char=char), field="path", value=str(target)
        ) from None
