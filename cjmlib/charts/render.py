"""How charts appear in JupyterLab: as JupyterLab's own Vega-Lite output, no network needed.

altair 6's default renderer writes an HTML page that loads Vega from a CDN, which fails
offline; the "inline" HTML template works offline but embeds about a megabyte of
JavaScript in every output and shows nothing once the notebook is reopened untrusted.
JupyterLab 4 renders the Vega-Lite 5 mime type natively, and our specs use nothing
newer, so the ``"cjm"`` renderer sends the spec under that mime type.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from cjmlib.messages import t

VEGALITE_MIME = "application/vnd.vegalite.v5+json"
VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def mimebundle(spec: dict[str, Any]) -> dict[str, Any]:
    """The display bundle for a Vega-Lite ``spec`` (a dict, as ``chart.to_dict()`` gives)."""
    spec = {**spec, "$schema": VEGALITE_SCHEMA}
    return {VEGALITE_MIME: spec, "text/plain": t("charts.render.text")}


def chart_bundle(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The display bundle for an altair chart (validated when it was built)."""
    return mimebundle(chart.to_dict(validate=False))


def _renderer(spec: dict[str, Any], **_metadata: Any) -> dict[str, Any]:
    return mimebundle(spec)


def enable_renderer() -> None:
    """Register and enable the ``"cjm"`` renderer (idempotent)."""
    if "cjm" not in alt.renderers.names():
        alt.renderers.register("cjm", _renderer)
    alt.renderers.enable("cjm")
