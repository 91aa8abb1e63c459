"""The capstone report: the trainee's workbook as one German document, HTML and PDF.

The report is built once as a list of :class:`Section` (text, facts, tables, figures)
and then written as a self-contained HTML file and as a PDF (reportlab, fonts embedded;
journey maps rendered offline by vl-convert). Both show, in this order: goal and target
group, personas with evidence, the scenario, the journey map as-is and to-be, pain points
with solutions, owners and KPIs, tested assumptions, the feedback plan, the review
schedule, the verification status (when the workbook has one) and the completeness checks.

Every value a trainee typed is escaped: ``html.escape`` in HTML, reportlab's markup
escape in the PDF.

Extension point: verification status (issue 16, the living map)
---------------------------------------------------------------
:func:`verification_section` adds the section "Stand der Verifikation" when the project
holds verification results. It reads what the living map's model keeps in the workbook
(duck-typed, so this module needs nothing from that branch to land first):

- ``project.verifications``: the runs of the evidence rules, each with ``title``,
  ``checked_on`` (date) and ``results``; the report shows the latest run;
- each result with ``rule_id``, ``status`` (German: "bestätigt", "widerlegt",
  "veraltet", "ohne Beleg"), ``value`` (float or None), ``n`` (cases behind the value),
  ``data_until`` (date or None) and ``problem`` (text, may be empty);
- ``project.evidence_rules``: the rules, each with ``id`` and ``title`` (the claim the
  rule checks), to name each result.

See :class:`VerificationRun`. The HTML and PDF writers render the section like any
other; ``tests/test_capstone.py`` proves that it appears (escaped) when results exist
and is absent otherwise.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cjmlib.io.images import chart_bytes
from cjmlib.io.pdf import markup, safe, styles, write_pdf
from cjmlib.io.reports import CSS, html_head
from cjmlib.messages import t
from cjmlib.model import JourneyProject, Persona, field_label
from cjmlib.workbook import Workbook
from cjmlib.workbook.completeness import (
    IST_SNAPSHOT,
    Check,
    capstone_checks,
    completeness_score,
    ist_state,
    project_of,
)

#: PNG scale of the maps: sharp on an A4 landscape page without bloating the file.
MAP_SCALE = 1.6
EXTRA_CSS = " .quote { font-style: italic; } figcaption { font-weight: bold; margin: 8px 0; }"
#: Points of a page kept free above a map for headings, an intro and the caption.
FIGURE_ROOM = 95


# -- the report as data -------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    style: str = "body"  # body, muted, quote, h3


@dataclass(frozen=True)
class Facts:
    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths for the PDF


@dataclass(frozen=True)
class Figure:
    png: bytes
    alt: str
    caption: str = ""


Block = Text | Facts | Table | Figure


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False  # the PDF puts the section on A4 landscape pages


class RuleOutcome(Protocol):
    """One result of a verification run (the living map's ``RuleResult``)."""

    rule_id: str
    status: str
    value: float | None
    n: int
    data_until: dt.date | None
    problem: str


class VerificationRun(Protocol):
    """One run of the evidence rules (the living map's ``Verification``)."""

    title: str
    checked_on: dt.date
    results: Sequence[RuleOutcome]


def _date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _label(model: Any, name: str) -> str:
    return field_label(model, name)


def _none() -> Text:
    return Text(t("export.report.none"), "muted")


def _cell(value: object) -> str:
    """A field's value as report text: German dates and decimals, lists joined, None empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return _date(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_table(model: str, items: Sequence[Any], columns: Sequence[tuple[str, float]]) -> Block:
    """``items`` as a table with one column per field, (name, width) in ``columns``; or "none"."""
    if not items:
        return _none()
    return Table(
        [_label(model, name) for name, _ in columns],
        [[_cell(getattr(x, name)) for name, _ in columns] for x in items],
        [width for _, width in columns],
    )


# -- the sections -------------------------------------------------------------------------


def _goal_section(p: JourneyProject) -> Section:
    s = Section("goal", t("capstone.report.goal"))
    facts = [
        (_label("goal", "business_goal"), p.goal.business_goal),
        (_label("goal", "customer_goal"), p.goal.customer_goal),
        (_label("goal", "kpis"), "; ".join(p.goal.kpis)),
    ]
    s.blocks.append(Facts([(k, v) for k, v in facts if v]) if any(v for _, v in facts) else _none())
    s.blocks.append(Text(t("collection.segments"), "h3"))
    columns = [("name", 3), ("description", 6), ("share_percent", 1.6), ("priority", 1.2)]
    s.blocks.append(_field_table("segment", p.segments, columns))
    return s


def _persona_facts(x: Persona) -> list[tuple[str, str]]:
    facts = [
        (_label(Persona, "age"), str(x.age) if x.age else ""),
        (_label(Persona, "occupation"), x.occupation),
        (_label(Persona, "location"), x.location),
        (_label(Persona, "buying_habits"), x.buying_habits),
        (_label(Persona, "needs_goals"), "; ".join(x.needs_goals)),
        (_label(Persona, "pain_points"), "; ".join(x.pain_points)),
        (_label(Persona, "channels"), ", ".join(x.channels)),
    ]
    return [(k, v) for k, v in facts if v]


def _personas_section(p: JourneyProject) -> Section:
    s = Section("personas", t("capstone.report.personas"))
    if not p.personas:
        s.blocks.append(_none())
    for x in p.personas:
        s.blocks.append(Text(x.name, "h3"))
        if x.quote:
            s.blocks.append(Text(f"„{x.quote}“", "quote"))
        s.blocks.append(Facts(_persona_facts(x)))
        if x.evidence:
            columns = [("kind", 2), ("source", 4), ("about", 4)]
            s.blocks.append(_field_table("evidence", x.evidence, columns))
        else:
            s.blocks.append(Text(t("capstone.report.no_evidence"), "muted"))
    return s


def _scenario_section(p: JourneyProject) -> Section:
    s = Section("scenario", t("capstone.report.scenario"))
    facts = [
        (_label("scenario", "situation"), p.scenario.situation),
        (_label("scenario", "expectation"), p.scenario.expectation),
    ]
    s.blocks.append(Facts([(k, v) for k, v in facts if v]) if not p.scenario.is_empty else _none())
    return s


def _map_section(p: JourneyProject, ist: JourneyProject | None, ist_name: str) -> Section:
    from cjmlib.charts import journey_map_chart

    s = Section("map", t("capstone.report.map"), landscape=True)
    if not p.touchpoints:
        s.blocks.append(_none())
        return s
    if ist is None:
        s.blocks.append(Text(t("capstone.report.map_no_ist", name=ist_name), "muted"))
        chart = journey_map_chart(p)
        s.blocks.append(
            Figure(
                chart_bytes(chart, "png", scale=MAP_SCALE),
                t("export.report.map_alt", project=p.name),
                t("capstone.report.map_current"),
            )
        )
        return s
    s.blocks.append(Text(t("capstone.report.map_intro", name=ist_name)))
    for caption, chart in (
        (t("capstone.report.map_ist", name=ist_name), journey_map_chart(ist)),
        (
            t("capstone.report.map_soll"),
            journey_map_chart(
                p, compare_to=ist, labels=(t("capstone.report.soll"), t("capstone.report.ist"))
            ),
        ),
    ):
        s.blocks.append(
            Figure(
                chart_bytes(chart, "png", scale=MAP_SCALE),
                t("export.report.map_alt", project=p.name),
                caption,
            )
        )
    return s


def _pains_section(p: JourneyProject) -> Section:
    s = Section("pains", t("capstone.report.pains"))
    if not p.pain_points:
        s.blocks.append(_none())
        return s
    pm = p.phase_model
    tp_phase = {tp.id: tp.phase for tp in p.touchpoints}
    rows = []
    for pp in sorted(p.pain_points, key=lambda x: -x.priority):
        phase = pp.phase or next((tp_phase[i] for i in pp.touchpoint_ids if i in tp_phase), "")
        sols = [x for x in p.solutions if pp.id in x.pain_point_ids]
        rows.append(
            [
                pp.title,
                pm.name_of(phase) if phase else "",
                str(pp.priority),
                "; ".join(f"{x.title} ({x.status})" for x in sols)
                or t("capstone.report.no_solution"),
            ]
        )
    s.blocks.append(
        Table(
            [
                t("model.painpoint"),
                _label("common", "phase"),
                t("capstone.report.priority"),
                t("collection.solutions"),
            ],
            rows,
            [4, 2, 1.3, 6],
        )
    )
    return s


def _owners_section(p: JourneyProject) -> Section:
    s = Section("owners", t("capstone.report.owners"))
    s.blocks.append(Text(t("collection.solutions"), "h3"))
    if p.solutions:
        s.blocks.append(
            Table(
                [
                    t("model.solution"),
                    _label("solution", "owner"),
                    _label("solution", "kpi"),
                    t("capstone.report.impact_effort"),
                    _label("solution", "status"),
                ],
                [
                    [x.title, x.owner, x.kpi, f"{x.impact} / {x.effort} ({x.quadrant})", x.status]
                    for x in p.solutions
                ],
                [4, 2.5, 3.5, 2.5, 1.8],
            )
        )
    else:
        s.blocks.append(_none())
    s.blocks.append(Text(t("capstone.report.actions"), "h3"))
    columns = [
        ("title", 4),
        ("owner", 2.2),
        ("department", 2),
        ("due", 2.1),
        ("kpi", 3),
        ("target", 2),
        ("status", 1.5),
    ]
    s.blocks.append(_field_table("action", p.actions, columns))
    return s


def _hypotheses_section(p: JourneyProject) -> Section:
    s = Section("hypotheses", t("capstone.report.hypotheses"))
    columns = [
        ("assumption", 4),
        ("test_method", 2.3),
        ("success_criterion", 3),
        ("result", 1.6),
        ("result_note", 4),
    ]
    s.blocks.append(_field_table("hypothesis", p.hypotheses, columns))
    return s


def _feedback_section(p: JourneyProject) -> Section:
    s = Section("feedback", t("capstone.report.feedback"))
    s.blocks.append(Text(t("capstone.report.feedback_intro")))
    if p.feedback:
        names = {tp.id: tp.name for tp in p.touchpoints}
        by_source: dict[str, list[Any]] = {}
        for f in p.feedback:
            by_source.setdefault(f.source, []).append(f)
        rows = []
        for source, items in sorted(by_source.items()):
            tps = sorted({names.get(f.touchpoint_id or "", "") for f in items} - {""})
            scores = [f.score for f in items if f.score is not None]
            mean = f"{sum(scores) / len(scores):.1f}".replace(".", ",") if scores else ""
            rows.append([source, str(len(items)), mean, "; ".join(tps)])
        s.blocks.append(
            Table(
                [
                    _label("feedbackitem", "source"),
                    t("capstone.report.count"),
                    t("capstone.report.mean_score"),
                    t("collection.touchpoints"),
                ],
                rows,
                [2, 1, 1.5, 8],
            )
        )
    else:
        s.blocks.append(_none())
    heard = {f.touchpoint_id for f in p.feedback}
    silent = [tp.name for tp in p.touchpoints if tp.moment_of_truth and tp.id not in heard]
    if silent:
        s.blocks.append(Text(t("capstone.report.feedback_gaps", names="; ".join(silent)), "muted"))
    if p.goal.kpis:
        s.blocks.append(Facts([(_label("goal", "kpis"), "; ".join(p.goal.kpis))]))
    return s


def _reviews_section(p: JourneyProject) -> Section:
    s = Section("reviews", t("capstone.report.reviews"))
    columns = [
        ("held", 2.1),
        ("title", 3),
        ("trigger", 2),
        ("participants", 3),
        ("decisions", 4),
        ("next_review", 2.1),
    ]
    s.blocks.append(_field_table("review", p.reviews, columns))
    planned = sorted(r.next_review for r in p.reviews if r.next_review)
    if planned:
        s.blocks.append(Text(t("capstone.report.next_review", date=_date(planned[-1]))))
    return s


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",").replace("-", "−")


def verification_section(project: JourneyProject) -> Section | None:
    """EXTENSION POINT (issue 16): the verification status, when the workbook holds one.

    Reads ``project.verifications`` and ``project.evidence_rules`` (see the module
    docstring); returns None while the model has no such fields or no run yet, so the
    report leaves the section out.
    """
    runs: Sequence[VerificationRun] = getattr(project, "verifications", None) or []
    if not runs:
        return None
    latest = max(enumerate(runs), key=lambda item: (item[1].checked_on, item[0]))[1]
    titles = {str(r.id): str(r.title) for r in getattr(project, "evidence_rules", None) or []}
    s = Section("verification", t("capstone.report.verification"))
    counts: dict[str, int] = {}
    for result in latest.results:
        counts[str(result.status)] = counts.get(str(result.status), 0) + 1
    s.blocks.append(
        Text(
            t(
                "capstone.report.verification_intro",
                title=latest.title,
                date=_date(latest.checked_on),
                counts=", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
            )
        )
    )
    s.blocks.append(
        Table(
            [
                t("capstone.report.verification_subject"),
                t("capstone.report.verification_status"),
                t("capstone.report.verification_value"),
                t("capstone.report.verification_until"),
                t("capstone.report.verification_note"),
            ],
            [
                [
                    titles.get(str(r.rule_id), str(r.rule_id)),
                    str(r.status),
                    f"{_number(r.value)} (n = {r.n})",
                    _date(r.data_until),
                    str(r.problem or ""),
                ]
                for r in latest.results
            ],
            [5, 1.8, 2, 1.8, 4],
        )
    )
    return s


def _checks_section(checks: Sequence[Check]) -> Section:
    s = Section("checks", t("capstone.report.checks"))
    score = completeness_score(checks)
    s.blocks.append(Text(t("capstone.report.score", points=score.points, total=score.total)))
    s.blocks.append(
        Table(
            [
                t("capstone.report.part"),
                t("capstone.report.chapter"),
                t("capstone.report.state"),
                t("capstone.report.note"),
            ],
            [
                [
                    c.title,
                    str(c.chapter),
                    t("capstone.report.passed") if c.passed else t("capstone.report.missing"),
                    c.message,
                ]
                for c in checks
            ],
            [3, 1.2, 1.6, 9],
        )
    )
    return s


@dataclass
class CapstoneReport:
    """The report of one workbook: its title lines, sections and completeness checks."""

    project: JourneyProject
    author: str
    sections: list[Section]
    checks: list[Check]
    created: dt.date

    @property
    def title(self) -> str:
        return t("capstone.report.title", project=self.project.name)

    def meta(self) -> str:
        bits = []
        if self.author:
            bits.append(t("capstone.report.by", name=self.author))
        if self.project.industry:
            bits.append(f"{_label('project', 'industry')}: {self.project.industry}")
        bits.append(t("capstone.report.created", date=_date(self.created)))
        return " · ".join(bits)


def build_report(
    wb: Workbook | JourneyProject,
    *,
    author: str = "",
    ist: str | JourneyProject | None = IST_SNAPSHOT,
) -> CapstoneReport:
    """Collect the report's sections from ``wb`` (maps rendered offline as PNG)."""
    project = project_of(wb)
    before = ist_state(wb, ist)
    ist_name = ist if isinstance(ist, str) else (ist.name if ist is not None else IST_SNAPSHOT)
    checks = capstone_checks(wb, ist=ist)
    sections = [
        _goal_section(project),
        _personas_section(project),
        _scenario_section(project),
        _map_section(project, before, ist_name),
        _pains_section(project),
        _owners_section(project),
        _hypotheses_section(project),
        _feedback_section(project),
        _reviews_section(project),
    ]
    extra = verification_section(project)
    if extra is not None:
        sections.append(extra)
    sections.append(_checks_section(checks))
    return CapstoneReport(project, author.strip(), sections, checks, dt.date.today())


# -- HTML ---------------------------------------------------------------------------------


def _h(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _block_html(block: Block) -> str:
    if isinstance(block, Text):
        if block.style == "h3":
            return f"<h3>{_h(block.text)}</h3>"
        css = {"muted": ' class="empty"', "quote": ' class="quote"'}.get(block.style, "")
        return f"<p{css}>{_h(block.text)}</p>"
    if isinstance(block, Facts):
        return (
            "<dl>" + "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in block.items) + "</dl>"
        )
    if isinstance(block, Table):
        head = "".join(f"<th>{_h(c)}</th>" for c in block.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_h(v)}</td>" for v in row) + "</tr>" for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    data = base64.b64encode(block.png).decode("ascii")
    caption = f"<figcaption>{_h(block.caption)}</figcaption>" if block.caption else ""
    return (
        f'<figure class="map">{caption}'
        f'<img src="data:image/png;base64,{data}" alt="{_h(block.alt)}"></figure>'
    )


def report_html(report: CapstoneReport) -> str:
    """The report as one self-contained HTML page (no scripts, no external files)."""
    parts = [
        *html_head(report.title, CSS + EXTRA_CSS, report.meta()),
    ]
    if report.project.description:
        parts.append(f"<p>{_h(report.project.description)}</p>")
    for section in report.sections:
        parts.append(f'<section id="{_h(section.key)}"><h2>{_h(section.title)}</h2>')
        parts.extend(_block_html(b) for b in section.blocks)
        parts.append("</section>")
    parts.append(f"<footer>{_h(t('export.report.footer', date=_date(report.created)))}</footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# -- PDF ----------------------------------------------------------------------------------


def _pdf_table(block: Table, width: float) -> Any:
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as RLTable

    from cjmlib.io.pdf import LIGHT, LINE

    st = styles()
    weights = block.widths or [1.0] * len(block.columns)
    total = sum(weights)
    widths = [width * w / total for w in weights]
    data = [[Paragraph(markup(c), st["head"]) for c in block.columns]]
    data += [[Paragraph(markup(v), st["cell"]) for v in row] for row in block.rows]
    table = RLTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("GRID", (0, 0), (-1, -1), 0.4, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _pdf_blocks(block: Block, width: float, height: float) -> list[Any]:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

    st = styles()
    if isinstance(block, Text):
        return [Paragraph(markup(block.text), st.get(block.style, st["body"]))]
    if isinstance(block, Facts):
        return [
            Paragraph(f"<b>{markup(k)}:</b> {markup(v)}", st["body"]) for k, v in block.items
        ] + [Spacer(1, 4)]
    if isinstance(block, Table):
        return [_pdf_table(block, width), Spacer(1, 6)]
    from io import BytesIO

    reader = ImageReader(BytesIO(block.png))
    w, h = reader.getSize()
    # Leave room for the section title, an intro line and the caption on the same page.
    scale = min(width / w, (height - FIGURE_ROOM) / h)
    image = Image(BytesIO(block.png), width=w * scale, height=h * scale)
    caption = [Paragraph(markup(block.caption), st["h3"])] if block.caption else []
    # No spacer after the image: a full page must not spill an empty one.
    return [KeepTogether([*caption, image])]


def report_pdf(report: CapstoneReport, path: str | os.PathLike[str]) -> Path:
    """Write the report as a PDF: A4 portrait, the journey maps on A4 landscape pages."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
    )

    from cjmlib.io.pdf import FONT, GREY

    st = styles()
    margin = 15 * mm
    portrait, wide = A4, landscape(A4)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(
            margin, 8 * mm, safe(t("capstone.report.page", title=report.title, page=doc.page))
        )
        canvas.restoreState()

    def frame(size: tuple[float, float], name: str) -> Frame:
        return Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, id=name)

    def wide_frame() -> Frame:
        # Maps get the most of the landscape page: smaller side margins, room for the footer.
        return Frame(
            10 * mm, 12 * mm, wide[0] - 20 * mm, wide[1] - 22 * mm, id="quer", leftPadding=0
        )

    def build(tmp: str) -> None:
        doc = BaseDocTemplate(
            tmp,
            pagesize=portrait,
            title=report.title,
            author=report.author or "CJM-Werkstatt",
            subject=t("capstone.report.subject"),
            creator="CJM-Werkstatt (cjmlib)",
            lang="de-DE",
        )
        doc.addPageTemplates(
            [
                PageTemplate("hoch", [frame(portrait, "hoch")], onPage=footer, pagesize=portrait),
                PageTemplate("quer", [wide_frame()], onPage=footer, pagesize=wide),
            ]
        )
        story: list[Any] = [
            Paragraph(markup(report.title), st["h1"]),
            Paragraph(markup(report.meta()), st["muted"]),
        ]
        if report.project.description:
            story.append(Paragraph(markup(report.project.description), st["body"]))
        current = "hoch"
        for section in report.sections:
            wanted = "quer" if section.landscape else "hoch"
            if wanted != current:
                story += [NextPageTemplate(wanted), PageBreak()]
                current = wanted
            if wanted == "quer":
                width, height = wide[0] - 20 * mm - 12, wide[1] - 22 * mm - 12
            else:
                width, height = portrait[0] - 2 * margin - 12, portrait[1] - 2 * margin - 12
            story.append(Paragraph(markup(section.title), st["h2"]))
            for block in section.blocks:
                story += _pdf_blocks(block, width, height)
        doc.build(story)

    return write_pdf(path, build)
