"""Helpers shared by the chart modules: input checks, persona filter, safe labels."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import JourneyProject, Persona, Touchpoint

_SPACE = re.compile(r"\s+")


def as_project(obj: Any, *, arg: str = "project") -> JourneyProject:
    """Accept a Workbook (anything with ``.project``) or a JourneyProject."""
    if isinstance(obj, JourneyProject):
        return obj
    inner = getattr(obj, "project", None)
    if isinstance(inner, JourneyProject):
        return inner
    raise CJMError(
        t("charts.error.not_a_project", arg=arg, given=type(obj).__name__),
        field=arg,
        value=type(obj).__name__,
        allowed="Workbook, JourneyProject",
    )


def as_frame(obj: Any, *, arg: str, columns: list[str]) -> pd.DataFrame:
    """Check that ``obj`` is a DataFrame with ``columns`` (an empty frame is allowed)."""
    if obj is None:
        return pd.DataFrame(columns=columns)
    if not isinstance(obj, pd.DataFrame):
        raise CJMError(
            t(
                "charts.error.not_a_frame",
                arg=arg,
                given=type(obj).__name__,
                columns=", ".join(columns),
            ),
            field=arg,
            value=type(obj).__name__,
            allowed=", ".join(columns),
        )
    if obj.empty:
        return obj
    missing = [c for c in columns if c not in obj.columns]
    if missing:
        raise CJMError(
            t(
                "charts.error.missing_columns",
                arg=arg,
                missing=", ".join(missing),
                columns=", ".join(map(str, obj.columns)),
            ),
            field=arg,
            value=missing,
            allowed=", ".join(columns),
        )
    return obj


def clean(text: Any, limit: int | None = None) -> str:
    """A one-line label that cannot be read as markup, cut to ``limit`` characters.

    Angle brackets become the look-alike guillemets ‹ › so that no renderer (tooltip,
    SVG, HTML report) can take a value for a tag; the text stays legible.
    """
    if text is None:
        return ""
    s = _SPACE.sub(" ", str(text)).strip().replace("<", "‹").replace(">", "›")
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 1)].rstrip() + "…"
    return s


def resolve_persona(project: JourneyProject, persona: Any) -> Persona | None:
    """Return the persona meant by ``persona`` (id, name or Persona), or None for all."""
    if persona is None:
        return None
    key = persona.id if isinstance(persona, Persona) else str(persona).strip()
    for p in project.personas:
        if p.id == key:
            return p
    hits = [p for p in project.personas if p.name.casefold() == key.casefold()]
    if len(hits) == 1:
        return hits[0]
    allowed = ", ".join(f"{p.name} ({p.id})" for p in project.personas) or t(
        "charts.error.no_personas"
    )
    raise CJMError(
        t("charts.error.unknown_persona", value=key, allowed=allowed),
        field="persona",
        value=key,
        allowed=allowed,
    )


def applies_to(persona_ids: list[str], persona: Persona | None) -> bool:
    """An empty ``persona_ids`` list means: applies to every persona."""
    return persona is None or not persona_ids or persona.id in persona_ids


def touchpoints_for(project: JourneyProject, persona: Persona | None) -> list[Touchpoint]:
    return [tp for tp in project.touchpoints if applies_to(tp.persona_ids, persona)]


def phase_names(project: JourneyProject) -> list[str]:
    return [clean(n) for n in project.phase_model.names]


def yes_no(value: bool) -> str:
    return t("charts.common.yes") if value else t("charts.common.no")


def online_label(value: bool) -> str:
    return t("charts.common.online") if value else t("charts.common.offline")


def key_list(
    lines: list[str], *, title: str, width: int = 330, colors: list[str] | None = None
) -> Any:
    """A numbered list as a chart, placed beside a plot whose dots carry the numbers.

    Each line gets a small dot in ``colors`` (the colour of its mark in the plot); the
    text itself stays dark for legibility.
    """
    import altair as alt

    lines = [fit_text(clean(line), width - 24, 12) for line in lines]
    data = pd.DataFrame({"no": range(1, len(lines) + 1), "line": lines})
    data["color"] = colors if colors else "#222222"
    base = alt.Chart(data).encode(y=alt.Y("no:O", axis=None))
    dots = base.mark_circle(size=90, opacity=1).encode(
        x=alt.value(6), color=alt.Color("color:N", scale=None)
    )
    text = base.mark_text(align="left", baseline="middle", fontSize=12, color="#222222").encode(
        x=alt.value(16), text=alt.Text("line:N")
    )
    return (dots + text).properties(
        width=width,
        height=alt.Step(20),
        view=alt.ViewBackground(stroke=None),
        title=alt.Title(title, fontSize=13, anchor="start"),
    )


# Advance widths of Arial / Liberation Sans (same metrics) in 1/1000 em. Labels are cut
# to fit in Python: Vega's own ``limit`` cuts by measuring again and again, which makes
# rendering a big map in vl-convert many times slower.
_WIDTHS: dict[str, int] = {}
for _chars, _w in (
    (" ftIjil.,:;!'|/\\[]·", 278),
    ("ilj'", 222),
    ('r-()‹›„“"`', 333),
    ("cksvxyzJ", 500),
    ("abdeghnopqu0123456789äöü$#_?€L", 556),
    ("FTZß", 611),
    ("ABEKPSVXYÄ&", 667),
    ("CDHNRUwÜ", 722),
    ("GOQÖ", 778),
    ("mM", 833),
    ("W", 944),
    ("…—%@", 1000),
    ("–", 556),
    ("•★", 350),
):
    for _c in _chars:
        _WIDTHS[_c] = _w


def text_width(text: str, font_size: float = 11, *, bold: bool = False) -> float:
    """Estimated width in pixels of ``text`` in the theme's sans-serif font."""
    units = sum(_WIDTHS.get(ch, 556) for ch in text)
    return units * font_size / 1000 * (1.08 if bold else 1.0)


def fit_text(text: str, max_px: float, font_size: float = 11, *, bold: bool = False) -> str:
    """``text`` cut (with "…") so that it is at most ``max_px`` pixels wide."""
    if text_width(text, font_size, bold=bold) <= max_px:
        return text
    budget = max_px - text_width("…", font_size, bold=bold)
    used, cut = 0.0, 0
    factor = font_size / 1000 * (1.08 if bold else 1.0)
    for i, ch in enumerate(text):
        used += _WIDTHS.get(ch, 556) * factor
        if used > budget:
            cut = i
            break
    return text[:cut].rstrip() + "…"


def wrap_text(text: str, max_px: float, font_size: float = 11) -> list[str]:
    """Break ``text`` into lines of at most ``max_px`` pixels (at spaces where possible)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, font_size) > max_px:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return [fit_text(line, max_px, font_size) for line in lines]
