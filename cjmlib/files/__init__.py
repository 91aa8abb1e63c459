"""Reading and writing the files people really have, at the bottom of the layers.

- :mod:`cjmlib.files.sniff` finds the encoding (UTF-8 with or without BOM, UTF-16 as
  Excel's "Unicode-Text", Windows-1252/Latin-1 from German Excel, Mac Roman), a
  ``sep=`` first line and the column separator of a text table.
- :mod:`cjmlib.files.atomic` writes a file so that a crash leaves the old or the new one
  (temporary file, fsync, rename; symlinks followed, file mode kept).
- :mod:`cjmlib.files.oserrors` turns an :class:`OSError` into a German
  :class:`~cjmlib.errors.CJMError` that says what to do.

Everything here depends only on :mod:`cjmlib.errors` and :mod:`cjmlib.messages`, so the
workbook, the importers and the analytics loader can all use it.
"""

from cjmlib.files.atomic import atomic_write, real_path, write_file
from cjmlib.files.oserrors import os_error, os_error_kind, os_reason
from cjmlib.files.sniff import TextSniff, decode_text, read_text_file, sniff_separator, sniff_text

__all__ = [
    "TextSniff",
    "atomic_write",
    "decode_text",
    "os_error",
    "os_error_kind",
    "os_reason",
    "read_text_file",
    "real_path",
    "sniff_separator",
    "sniff_text",
    "write_file",
]
