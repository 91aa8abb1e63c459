"""The verification report: what the data say about the map, what to revisit first.

One report per verification, as a self-contained HTML page or as Markdown. It holds

1. the verdict in one line (how many claims are refuted, stale, without evidence,
   confirmed),
2. "Zuerst ansehen": the claims in the order a review should take them, each with why
   and what to do,
3. every rule's figure with its 95 % interval and count,
4. what changed since the verification before (status and figure per rule),
5. the map with the verification layer (HTML, optional),
6. how the figures and intervals are computed.

Every value a trainee typed (claim names, rule titles, themes, the verification's title)
is escaped: ``html.escape`` in HTML, :func:`~cjmlib.io.reports.md_escape` in Markdown.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cjmlib.analytics.verification import (
    claim_phase_name,
    compare_verifications,
    pick_verification,
    revisit_first,
    revisit_rows,
    verification_table,
)
from cjmlib.errors import CJMError
from cjmlib.files.oserrors import os_error
from cjmlib.io._target import export_target
from cjmlib.io.reports import CSS, chart_figure, html_head, md_escape, table_md
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import STATUSES, JourneyProject, Verification
from cjmlib.model.evidence import STATUS_CODE
from cjmlib.model.lookup import ProjectLike, project_of

__all__ = ["save_verification_report", "verification_report"]

FORMATS = ("html", "markdown")
IMAGES = ("svg", "png", "none")
STATUS_CSS = """
.status { display: inline-block; border-radius: 4px; padding: 0 6px; font-weight: bold; }
.st-refuted { background: #F7D9C4; color: #7A2E00; }
.st-stale { background: #FBE9BF; color: #6B4A00; }
.st-unevidenced { background: #E6E6E6; color: #333; }
.st-confirmed { background: #CDEDE2; color: #00513A; }
.verdict { font-size: 17px; margin: 8px 0 16px 0; }
ol.revisit li { margin-bottom: 8px; } .why { color: #444; } .todo { font-style: italic; }
"""


def _previous(project: JourneyProject, record: Verification) -> Verification | None:
    earlier = [
        v
        for v in project.verifications
        if (v.checked_on, v.checked_at) < (record.checked_on, record.checked_at)
    ]
    return max(earlier, key=lambda v: (v.checked_on, v.checked_at)) if earlier else None


def _h(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _check_choice(value: str, allowed: tuple[str, ...], arg: str) -> None:
    if value not in allowed:
        raise unknown_choice(
            "charts.error.unknown_value", allowed=allowed, value=value, field=arg, arg=arg
        )


def _entries(
    project: JourneyProject, record: Verification, today: dt.date | str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, int]]:
    """(claims to revisit, claims without any rule, counts per status)."""
    entries = revisit_first(project, record, today=today)
    counts = {s: sum(1 for e in entries if e["status"] == s) for s in STATUSES}
    revisit = [e for e in entries if e["status"] != "bestätigt" and e["reason"] != "no_rule"]
    no_rule = [e for e in entries if e["reason"] == "no_rule"]
    return revisit, no_rule, counts


def _verdict(counts: dict[str, int]) -> str:
    return t("living_map.report.verdict", **{STATUS_CODE[k]: v for k, v in counts.items()})


def _meta(project: JourneyProject, record: Verification) -> str:
    sources = "; ".join(f"{k}: {v}" for k, v in record.sources.items()) or "–"
    return t(
        "living_map.report.meta",
        title=record.title,
        date=record.checked_on.strftime("%d.%m.%Y"),
        engine=record.engine,
        sources=sources,
        rules=len(record.results),
    )


def _map_html(project: JourneyProject, record: Verification, image: str) -> str:
    from cjmlib.charts import journey_map_chart

    chart = journey_map_chart(project, verification=record)
    return chart_figure(chart, t("living_map.report.map_alt", project=project.name), image)


def _table_html(df: pd.DataFrame, status_column: str | None = None) -> str:
    if df.empty:
        return f'<p class="empty">{_h(t("living_map.report.none"))}</p>'
    head = "".join(f"<th>{_h(c)}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, row, strict=True):
            text = _h(value)
            if col == status_column and value in STATUS_CODE:
                text = f'<span class="status st-{STATUS_CODE[value]}">{text}</span>'
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _table_md(df: pd.DataFrame) -> str:
    return table_md(df, t("living_map.report.none"))


def verification_report(
    workbook: ProjectLike,
    verification: Any = None,
    *,
    previous: Any = None,
    format: str = "html",
    image: str = "svg",
    today: dt.date | str | None = None,
) -> str:
    """The German verification report of ``verification`` (default: the latest).

    Parameters
    ----------
    workbook:
        Your workbook (``wb``) or a :class:`~cjmlib.model.JourneyProject`.
    verification:
        A verification, its id or title; None = the latest.
    previous:
        The verification to compare with; None = the one before ``verification``.
    format:
        ``"html"`` (a self-contained page) or ``"markdown"``.
    image:
        HTML only: the map with the verification layer as ``"svg"`` (default), ``"png"``
        or ``"none"``.
    today:
        Read confirmations older than their review interval as *veraltet* (see
        :func:`~cjmlib.analytics.claim_statuses`); default: as on the verification day.

    Returns
    -------
    str
        The report; save it with :func:`save_verification_report`.
    """
    _check_choice(format, FORMATS, "format")
    _check_choice(image, IMAGES, "image")
    project = project_of(workbook)
    record = pick_verification(project, verification)
    if record is None:
        raise CJMError(t("living_map.report.no_verification"), field="verification")
    before = pick_verification(project, previous) if previous is not None else None
    before = before or _previous(project, record)
    revisit, no_rule, counts = _entries(project, record, today)
    table = verification_table(project, record)
    changes = compare_verifications(project, before, record) if before is not None else None
    data = _ReportData(project, record, before, revisit, no_rule, counts, table, changes)
    return _markdown(data) if format == "markdown" else _html(data, image)


def _no_rule_frame(project: JourneyProject, entries: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("living_map.table.kind"): [t(f"living_map.claim.{e['claim'].kind}") for e in entries],
            t("living_map.table.claim"): [e["claim"].name for e in entries],
            t("charts.common.phase"): [claim_phase_name(project, e["claim"]) for e in entries],
        }
    )


@dataclass(frozen=True)
class _ReportData:
    """What the report shows, worked out once; :func:`_html` and :func:`_markdown` lay it out."""

    project: JourneyProject
    record: Verification
    before: Verification | None
    revisit: list[dict[str, Any]]
    no_rule: list[dict[str, Any]]
    counts: dict[str, int]
    table: pd.DataFrame
    changes: pd.DataFrame | None


def _html(data: _ReportData, image: str) -> str:
    title = t("living_map.report.title", project=data.project.name)
    parts = [
        *html_head(title, CSS + STATUS_CSS, _meta(data.project, data.record)),
        f'<p class="verdict">{_h(_verdict(data.counts))}</p>',
        f"<h2>{_h(t('living_map.report.revisit'))}</h2>",
    ]
    rows = revisit_rows(data.project, data.revisit)
    if rows:
        items = []
        for r in rows:
            code = STATUS_CODE[r["status"]]
            items.append(
                f'<li><span class="status st-{code}">{_h(r["status"])}</span> '
                f"<b>{_h(r['claim'])}</b> ({_h(r['kind'])}, {_h(r['phase'])})<br>"
                f'<span class="why">{_h(r["why"])}</span><br>'
                f'<span class="todo">{_h(r["todo"])}</span></li>'
            )
        parts.append('<ol class="revisit">' + "".join(items) + "</ol>")
    else:
        parts.append(f'<p class="empty">{_h(t("living_map.report.nothing_to_revisit"))}</p>')
    if data.no_rule:
        parts.append(f"<h3>{_h(t('living_map.report.no_rule', count=len(data.no_rule)))}</h3>")
        parts.append(
            f"<p>{_h(t('living_map.todo.no_rule', kind=t('living_map.report.claims')))}</p>"
        )
        parts.append(_table_html(_no_rule_frame(data.project, data.no_rule)))
    parts.append(f"<h2>{_h(t('living_map.report.figures'))}</h2>")
    parts.append(_table_html(data.table, status_column=t("living_map.table.status")))
    parts.append(f"<h2>{_h(t('living_map.report.changes'))}</h2>")
    if data.changes is None or data.before is None:
        parts.append(f'<p class="empty">{_h(t("living_map.report.first"))}</p>')
    else:
        parts.append(f"<p>{_h(data.changes.attrs['explanation'])}</p>")
        parts.append(_table_html(data.changes, status_column=t("living_map.compare.status_after")))
    if image != "none":
        parts.append(f"<h2>{_h(t('living_map.report.map'))}</h2>")
        parts.append(f'<div class="map">{_map_html(data.project, data.record, image)}</div>')
    parts.append(f"<h2>{_h(t('living_map.report.methods_title'))}</h2>")
    parts.append("<ul>" + "".join(f"<li>{_h(m)}</li>" for m in _methods()) + "</ul>")
    parts.append(f"<footer>{_h(t('living_map.report.footer', date=_today()))}</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _methods() -> list[str]:
    return [t(f"living_map.report.method_{k}") for k in ("status", "share", "nps", "ces", "time")]


def _today() -> str:
    return dt.date.today().strftime("%d.%m.%Y")


def _markdown(data: _ReportData) -> str:
    out = [
        f"# {md_escape(t('living_map.report.title', project=data.project.name))}",
        "",
        f"_{md_escape(_meta(data.project, data.record))}_",
        "",
        f"**{md_escape(_verdict(data.counts))}**",
        "",
        f"## {md_escape(t('living_map.report.revisit'))}",
        "",
    ]
    rows = revisit_rows(data.project, data.revisit)
    for i, r in enumerate(rows, start=1):
        out.append(
            f"{i}. **{md_escape(r['status'])}:** {md_escape(r['claim'])} "
            f"({md_escape(r['kind'])}, {md_escape(r['phase'])}) – {md_escape(r['why'])} "
            f"_{md_escape(r['todo'])}_"
        )
    if not rows:
        out.append(f"_{md_escape(t('living_map.report.nothing_to_revisit'))}_")
    out.append("")
    if data.no_rule:
        out += [
            f"### {md_escape(t('living_map.report.no_rule', count=len(data.no_rule)))}",
            "",
            _table_md(_no_rule_frame(data.project, data.no_rule)),
        ]
    out += [f"## {md_escape(t('living_map.report.figures'))}", "", _table_md(data.table)]
    out += [f"## {md_escape(t('living_map.report.changes'))}", ""]
    if data.changes is None or data.before is None:
        out += [f"_{md_escape(t('living_map.report.first'))}_", ""]
    else:
        out += [md_escape(data.changes.attrs["explanation"]), "", _table_md(data.changes)]
    out += [f"## {md_escape(t('living_map.report.methods_title'))}", ""]
    out += [f"- {md_escape(m)}" for m in _methods()]
    out += ["", f"_{md_escape(t('living_map.report.footer', date=_today()))}_"]
    return "\n".join(out) + "\n"


def save_verification_report(
    workbook: ProjectLike,
    path: str | os.PathLike[str],
    verification: Any = None,
    **options: Any,
) -> Path:
    """Write the report to ``path`` (``.html`` or ``.md``; the folder must exist)."""
    target = export_target(path, (".html", ".htm", ".md"), "living_map.report.unknown_suffix")
    fmt = "markdown" if target.suffix.lower() == ".md" else "html"
    text = verification_report(workbook, verification, format=fmt, **options)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise os_error(exc, target, "write") from None
    return target
