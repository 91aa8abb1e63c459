"""Reports of a journey project: one self-contained HTML file, or Markdown.

Both show the goal, the persona cards, the journey map, the touchpoint inventory, the
pain points, the solutions and the action plan. Every value a trainee typed is escaped
(``html.escape`` for HTML; HTML entities plus backslash escapes for Markdown), so a name
like ``<img src=x onerror=alert(1)>`` stays text.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from cjmlib.io._target import encode_text, export_target, write_export
from cjmlib.io.images import chart_bytes
from cjmlib.io.mermaid import mermaid_journey
from cjmlib.io.table_export import project_tables
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import Goal, JourneyProject, Persona
from cjmlib.model import field_label as label
from cjmlib.model.lookup import ProjectLike, as_project, resolve_persona

IMAGE_KINDS = ("svg", "png", "none")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_MD_BLOCK = re.compile(r"^(\s*)([-+#>=]|\d+[.)])")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>\s*")

CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #222;
       margin: 24px auto; max-width: 1280px; line-height: 1.45; }
h1 { font-size: 26px; margin-bottom: 4px; } h2 { font-size: 20px; margin-top: 32px;
     border-bottom: 2px solid #0072B2; padding-bottom: 4px; }
.meta { color: #555; } .cards { display: flex; flex-wrap: wrap; gap: 16px; }
.card { border: 1px solid #ccc; border-left: 6px solid #0072B2; border-radius: 6px;
        padding: 10px 14px; width: 360px; break-inside: avoid; }
.card h3 { margin: 0 0 6px 0; } .card q { font-style: italic; color: #444; }
.card dt { font-weight: bold; margin-top: 4px; } .card dd { margin-left: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; } tr:nth-child(even) td { background: #fafafa; }
.map svg, .map img { max-width: 100%; height: auto; } .empty { color: #777; font-style: italic; }
footer { margin-top: 32px; color: #777; font-size: 12px; }
"""


def md_escape(value: Any) -> str:
    """``value`` as literal Markdown text on one line (no markup, no HTML, no maths)."""
    text = " ".join(str(value if value is not None else "").split())
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    # A value at the start of a line must not open a list, heading or quote.
    return _MD_BLOCK.sub(_escape_block, text)


def _escape_block(m: re.Match[str]) -> str:
    mark = m.group(2)
    if mark[0].isdigit():
        return m.group(1) + mark[:-1] + "\\" + mark[-1]
    return m.group(1) + "\\" + mark


def _h(value: Any) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def html_head(title: str, css: str, meta: str) -> list[str]:
    """The start of a self-contained German HTML report: styles, heading and meta line.

    Shared by the project report, the verification report and the capstone report.
    """
    return [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(title)}</h1>",
        f'<p class="meta">{_h(meta)}</p>',
    ]


def chart_figure(chart: Any, alt_text: str, image: str) -> str:
    """A chart inside an HTML page: inline SVG with a label, or (``image="png"``) a PNG."""
    alt_text = _h(alt_text)
    if image == "png":
        data = base64.b64encode(chart_bytes(chart, "png", scale=1.5)).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{alt_text}">'
    svg = _XML_DECL.sub("", chart_bytes(chart, "svg").decode("utf-8"))
    return f'<figure role="img" aria-label="{alt_text}">{svg}</figure>'


def _map_html(project: JourneyProject, persona: Any, image: str) -> str:
    from cjmlib.charts import journey_map_chart

    chart = journey_map_chart(project, persona=persona)
    return chart_figure(chart, t("export.report.map_alt", project=project.name), image)


def _table_html(df: pd.DataFrame) -> str:
    if df.empty:
        return f'<p class="empty">{_h(t("export.report.none"))}</p>'
    head = "".join(f"<th>{_h(c)}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_h(_cell(v))}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _persona_facts(p: Persona) -> list[tuple[str, str]]:
    facts = [
        (label(Persona, "age"), str(p.age) if p.age else ""),
        (label(Persona, "occupation"), p.occupation),
        (label(Persona, "location"), p.location),
        (label(Persona, "income_band"), "" if p.income_band == "keine Angabe" else p.income_band),
        (label(Persona, "buying_habits"), p.buying_habits),
        (label(Persona, "online_activity"), p.online_activity),
        (label(Persona, "needs_goals"), "; ".join(p.needs_goals)),
        (label(Persona, "pain_points"), "; ".join(p.pain_points)),
        (label(Persona, "channels"), ", ".join(p.channels)),
        (label(Persona, "devices"), ", ".join(p.devices)),
    ]
    return [(k, v) for k, v in facts if v]


def _goal_facts(goal: Goal) -> list[tuple[str, str]]:
    facts = [
        (label(Goal, "business_goal"), goal.business_goal),
        (label(Goal, "customer_goal"), goal.customer_goal),
        (label(Goal, "kpis"), "; ".join(goal.kpis)),
    ]
    return [(k, v) for k, v in facts if v]


def _sections(project: JourneyProject) -> list[tuple[str, pd.DataFrame]]:
    tables = project_tables(project)
    keys = [
        ("export.report.inventory", t("collection.touchpoints")),
        ("export.report.pains", t("collection.pain_points")),
        ("export.report.solutions", t("collection.solutions")),
        ("export.report.actions", t("collection.actions")),
    ]
    return [(t(key), tables[name]) for key, name in keys]


def html_report(project: ProjectLike, *, persona: Any = None, image: str = "svg") -> str:
    """A self-contained HTML report of ``project`` (no external files or scripts).

    Parameters
    ----------
    project:
        Workbook or JourneyProject.
    persona:
        Draw the map for one persona (id or name); ``None``: all.
    image:
        ``"svg"`` (inline vector map, default), ``"png"`` (embedded as data URI) or
        ``"none"`` (no map).

    Save it with ``save_report(wb, "bericht.html")``.
    """
    proj = as_project(project)
    if image not in IMAGE_KINDS:
        raise unknown_choice(
            "charts.error.unknown_value",
            allowed=IMAGE_KINDS,
            value=image,
            field="image",
            arg="image",
        )
    who = resolve_persona(proj, persona)
    title = t("export.report.title", project=proj.name)
    parts = [
        *html_head(title, CSS, _meta(proj)),
    ]
    if proj.description:
        parts.append(f"<p>{_h(proj.description)}</p>")
    goal = _goal_facts(proj.goal)
    parts.append(f"<h2>{_h(t('export.report.goal'))}</h2>")
    if goal:
        parts.append(
            "<dl>" + "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in goal) + "</dl>"
        )
    else:
        parts.append(f'<p class="empty">{_h(t("export.report.none"))}</p>')
    parts.append(f"<h2>{_h(t('export.report.personas'))}</h2>")
    if proj.personas:
        cards = []
        for p in proj.personas:
            quote = f"<q>{_h(p.quote)}</q>" if p.quote else ""
            facts = "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in _persona_facts(p))
            cards.append(f'<div class="card"><h3>{_h(p.name)}</h3>{quote}<dl>{facts}</dl></div>')
        parts.append('<div class="cards">' + "".join(cards) + "</div>")
    else:
        parts.append(f'<p class="empty">{_h(t("export.report.none"))}</p>')
    if image != "none":
        heading = (
            t("export.report.map")
            if who is None
            else t("export.report.map_persona", persona=who.name)
        )
        parts.append(f"<h2>{_h(heading)}</h2>")
        parts.append(f'<div class="map">{_map_html(proj, who.id if who else None, image)}</div>')
    for heading, df in _sections(proj):
        parts.append(f"<h2>{_h(heading)}</h2>")
        parts.append(_table_html(df))
    parts.append(f"<footer>{_h(t('export.report.footer', date=_today()))}</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _today() -> str:
    return dt.date.today().strftime("%d.%m.%Y")


def _meta(project: JourneyProject) -> str:
    bits = []
    if project.industry:
        bits.append(f"{label(JourneyProject, 'industry')}: {project.industry}")
    bits.append(
        f"{label(JourneyProject, 'phase_model')}: {project.phase_model.name} "
        f"({' → '.join(project.phase_model.names)})"
    )
    bits.append(f"{label(JourneyProject, 'created')}: {project.created.strftime('%d.%m.%Y')}")
    return " · ".join(bits)


def _table_md(df: pd.DataFrame) -> str:
    return table_md(df, t("export.report.none"))


def table_md(df: pd.DataFrame, empty: str) -> str:
    """``df`` as a Markdown table (empty cells for missing values), or ``empty`` in italics.

    Shared by the project report and the verification report.
    """
    if df.empty:
        return f"_{md_escape(empty)}_\n"
    head = "| " + " | ".join(md_escape(c) for c in df.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in df.columns) + "|"
    rows = [
        "| " + " | ".join(md_escape(_cell(v)) for v in row) + " |"
        for row in df.itertuples(index=False)
    ]
    return "\n".join([head, rule, *rows]) + "\n"


def markdown_report(
    project: ProjectLike, *, persona: Any = None, map_image: str | None = None
) -> str:
    """A Markdown report of ``project``; the map as a Mermaid journey block.

    JupyterLab renders the Mermaid block in a Markdown cell
    (``IPython.display.Markdown(markdown_report(wb))``). ``map_image`` may name an
    image file saved with ``save_chart`` (e.g. ``"journey_map.png"``); it is linked
    below the Mermaid block.
    """
    proj = as_project(project)
    who = resolve_persona(proj, persona)
    out = [
        f"# {md_escape(t('export.report.title', project=proj.name))}",
        "",
        f"_{md_escape(_meta(proj))}_",
        "",
    ]
    if proj.description:
        out += [md_escape(proj.description), ""]
    out += [f"## {md_escape(t('export.report.goal'))}", ""]
    goal = _goal_facts(proj.goal)
    out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in goal] or [
        f"_{md_escape(t('export.report.none'))}_"
    ]
    out += ["", f"## {md_escape(t('export.report.personas'))}", ""]
    if not proj.personas:
        out += [f"_{md_escape(t('export.report.none'))}_", ""]
    for p in proj.personas:
        out += [f"### {md_escape(p.name)}", ""]
        if p.quote:
            out += [f"> _{md_escape(p.quote)}_", ""]
        out += [f"- **{md_escape(k)}:** {md_escape(v)}" for k, v in _persona_facts(p)]
        out.append("")
    heading = (
        t("export.report.map") if who is None else t("export.report.map_persona", persona=who.name)
    )
    out += [
        f"## {md_escape(heading)}",
        "",
        "```mermaid",
        mermaid_journey(proj, who.id if who else None).rstrip("\n"),
        "```",
        "",
    ]
    if map_image:
        target = str(map_image).replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        out += [f"![{md_escape(t('export.report.map_alt', project=proj.name))}]({target})", ""]
    for heading, df in _sections(proj):
        out += [f"## {md_escape(heading)}", "", _table_md(df)]
    out.append(f"_{md_escape(t('export.report.footer', date=_today()))}_")
    return "\n".join(out) + "\n"


REPORT_FORMATS = (".html", ".htm", ".md")


def save_report(
    project: ProjectLike,
    path: str | os.PathLike[str],
    *,
    persona: Any = None,
    image: str = "svg",
    map_image: str | None = None,
) -> Path:
    """Save the report of ``project`` as HTML (``.html``) or Markdown (``.md``).

    ``persona`` and ``image`` are passed to :func:`html_report`, ``persona`` and
    ``map_image`` to :func:`markdown_report`. The file is written atomically (UTF-8);
    OS problems such as a full disk give a German :class:`~cjmlib.errors.CJMError`
    and leave an existing file unchanged. Returns the file written.
    """
    target = export_target(path, REPORT_FORMATS, "export.table.unknown_format")
    if target.suffix.lower() == ".md":
        text = markdown_report(project, persona=persona, map_image=map_image)
    else:
        text = html_report(project, persona=persona, image=image)
    return write_export(target, encode_text(text, target))
