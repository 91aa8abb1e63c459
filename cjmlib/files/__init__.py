"""Reading and writing the files people really have, at the bottom of the layers.

- :mod:`cjmlib.files.sniff` finds the encoding (UTF-8 with or without BOM, UTF-16 as
  Excel's "Unicode-Text", Windows-1252/Latin-1 from German Excel, Mac Roman), a
  ``sep=`` first line and the column separator of a text table.
- :mod:`cjmlib.files.oserrors` turns an :class:`OSError` into a German
  :class:`~cjmlib.errors.CJMError` that says what to do.

Everything here depends only on :mod:`cjmlib.errors` and :mod:`cjmlib.messages`, so the
workbook, the importers and the analytics loader can all use it.
"""

from cjmlib.files.oserrors import os_error
from cjmlib.files.sniff import TextSniff, decode_text, read_text_file, sniff_separator, sniff_text

__all__ = [
    "TextSniff",
    "decode_text",
    "os_error",
    "read_text_file",
    "sniff_separator",
    "sniff_text",
]
