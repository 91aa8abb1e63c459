"""Save any chart as PNG, SVG or PDF – offline, through vl-convert (no browser needed)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import vl_convert as vlc

from cjmlib.errors import CJMError
from cjmlib.io._target import export_target, write_export
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

FORMATS = (".png", ".svg", ".pdf")
#: Pixels across a saved PNG at least: sharp when printed across A4 landscape (~180 dpi).
PRINT_WIDTH = 2000


_SCHEMA_VERSION = re.compile(r"/vega-lite/v(\d+\.\d+)")


def _vl_version(spec: dict[str, Any]) -> str:
    """vl-convert's name of the Vega-Lite version the spec was written for, e.g. ``"6.4"``.

    Read from the spec's ``$schema`` (altair writes it), so io needs no altair import.
    """
    found = _SCHEMA_VERSION.search(str(spec.get("$schema", "")))
    major_minor = found.group(1) if found else ""
    known = vlc.get_vegalite_versions()
    return major_minor if major_minor in known else known[-1]


def chart_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec of ``chart`` (an altair chart or a spec dict), theme applied."""
    import cjmlib.charts  # noqa: F401  (enables the "cjm" theme and its German locale)

    if isinstance(chart, dict):
        return chart
    if not hasattr(chart, "to_dict"):
        raise CJMError(
            t("export.image.not_a_chart", given=type(chart).__name__),
            field="chart",
            value=type(chart).__name__,
        )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def chart_bytes(chart: Any, fmt: str = "png", *, scale: float | None = None) -> bytes:
    """Render ``chart`` to PNG, SVG (UTF-8 bytes) or PDF bytes without any network access.

    ``scale`` (PNG only): by default at least 2 and at least ``PRINT_WIDTH`` pixels
    across, so that a chart sized for the notebook column still prints sharp across A4.
    """
    spec = chart_spec(chart)
    common: dict[str, Any] = {"vl_version": _vl_version(spec), "allowed_base_urls": []}
    fmt = fmt.lower().lstrip(".")
    if fmt == "png":
        data: bytes = vlc.vegalite_to_png(spec, scale=scale or 2.0, **common)
        if scale is None and 0 < _png_width(data) < PRINT_WIDTH:
            # Round the scale up a little: Vega rounds pixel sizes down.
            wider = 2.0 * (PRINT_WIDTH + 2) / _png_width(data)
            data = vlc.vegalite_to_png(spec, scale=wider, **common)
        return data
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec, **common).encode("utf-8")
    if fmt == "pdf":
        return vlc.vegalite_to_pdf(spec, **common)
    raise unknown_choice(
        "export.image.unknown_format", allowed=FORMATS, value=fmt, field="path", suffix=fmt
    )


def _png_width(data: bytes) -> int:
    """The pixel width in a PNG's header (bytes 16-19 of the IHDR chunk)."""
    return int.from_bytes(data[16:20], "big")


def save_chart(chart: Any, path: str | os.PathLike[str], *, scale: float | None = None) -> Path:
    """Save ``chart`` as ``.png``, ``.svg`` or ``.pdf`` (chosen by the file ending).

    Parameters
    ----------
    chart:
        Any altair chart, e.g. ``journey_map_chart(wb)``.
    path:
        Target file; its folder must exist.
    scale:
        PNG only. By default at least 2 and at least ``PRINT_WIDTH`` pixels across, so
        that a chart sized for the notebook column still prints sharp across A4.

    Returns
    -------
    pathlib.Path
        The file written (atomically; OS problems such as a full disk give a German
        :class:`~cjmlib.errors.CJMError` and leave an existing file unchanged).
    """
    target = export_target(path, FORMATS, "export.image.unknown_format")
    suffix = target.suffix.lower()
    return write_export(target, chart_bytes(chart, suffix, scale=scale))
