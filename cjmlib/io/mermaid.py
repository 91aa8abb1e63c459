"""Mermaid text of a journey map (renders in JupyterLab Markdown cells).

Two forms: a ``journey`` diagram (Mermaid's own type, one row of tasks: good for a few
touchpoints) and a ``flowchart`` with one row per phase (readable in the notebook column
however many phases there are, because it grows downwards, not sideways).

The rules come from Mermaid's journey grammar (``journey.jison``): a title runs to the
end of the line and may not contain ``#`` or ``;``; section names and task names may not
contain ``:``, ``#`` or ``;``; a task line is ``name: score: actor, actor``; ``%%``
starts a comment anywhere. A line that begins with a keyword (``journey``, ``title``,
``section``, ``accTitle``, ``accDescr``) is read as that keyword, so task names that begin
like one get a leading bullet.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cjmlib.io._target import encode_text, export_target, write_export
from cjmlib.messages import t
from cjmlib.messages.text import clean
from cjmlib.model.lookup import ProjectLike, as_project, resolve_persona, touchpoints_for

#: Replacements for characters Mermaid cannot take in a name (German readings).
_REPLACE = {
    ":": " –",
    "#": "Nr. ",
    ";": ",",
    "%": " Prozent",
    "\u2028": " ",
    "\u2029": " ",
    # clean() keeps a comparison "< 2"; Mermaid's labels are HTML, so it says it in words.
    "<=": "≤ ",
    ">=": "≥ ",
    "<": "unter ",
    ">": "über ",
}
_KEYWORD = re.compile(r"^(journey|title\s|section\s|acctitle\s*:|accdescr\s*[:{])", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def mermaid_text(value: Any, *, limit: int = 80, allow_colon: bool = False) -> str:
    """``value`` as one line that Mermaid's journey grammar reads as plain text."""
    text = clean(value)
    for bad, good in _REPLACE.items():
        if allow_colon and bad == ":":
            continue
        text = text.replace(bad, good)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    if _KEYWORD.match(text):
        text = "• " + text
    return text or "–"


def _actor(name: str) -> str:
    # Actors are split at commas and may not contain ":" either (the score is split at ":").
    return mermaid_text(name, limit=40).replace(",", " ").replace(":", " ").strip() or "–"


def mermaid_journey(project: ProjectLike, persona: Any = None) -> str:
    """The journey of ``project`` as Mermaid ``journey`` text.

    Sections are the phases (in order), tasks the touchpoints; a task's score is the
    emotion −2..+2 shifted to Mermaid's 1..5; its actors are the personas it applies to
    (all personas when the touchpoint names none). Show it in JupyterLab with
    ``IPython.display.Markdown(mermaid_markdown(wb))``.
    """
    proj = as_project(project)
    who = resolve_persona(proj, persona)
    title = mermaid_text(proj.name, limit=100, allow_colon=True)
    if who is not None:
        title = mermaid_text(
            t("export.mermaid.title_persona", project=proj.name, persona=who.name),
            limit=120,
            allow_colon=True,
        )
    names = {p.id: _actor(p.name) for p in proj.personas}
    everyone = list(names.values())
    lines = ["journey", f"    title {title}"]
    tps = touchpoints_for(proj, who)
    if not tps:
        lines.append(f"    section {mermaid_text(t('export.mermaid.empty_section'))}")
        lines.append(f"      {mermaid_text(t('export.mermaid.empty_task'))}: 3")
        return "\n".join(lines) + "\n"
    by_phase: dict[str, list[Any]] = {}
    for tp in tps:
        by_phase.setdefault(tp.phase, []).append(tp)
    for phase in proj.phase_model.phases:
        items = by_phase.get(phase.id)
        if not items:
            continue
        lines.append(f"    section {mermaid_text(phase.name, limit=60)}")
        for tp in items:
            if who is not None:
                actors = [names[who.id]]
            else:
                actors = [names[i] for i in tp.persona_ids if i in names] or everyone
            score = int(tp.emotion) + 3
            task = f"      {mermaid_text(tp.name)}: {score}"
            if actors:
                task += ": " + ", ".join(dict.fromkeys(actors))
            lines.append(task)
    return "\n".join(lines) + "\n"


#: Fill and text colour of a touchpoint box per emotion (the charts' colour-blind-safe scale).
_EMOTION_STYLE = {
    -2: ("#D55E00", "#ffffff"),
    -1: ("#F2C27B", "#222222"),
    0: ("#E4E4E4", "#222222"),
    1: ("#A9D6F5", "#222222"),
    2: ("#0072B2", "#ffffff"),
}
_EMOTION_CLASS = {-2: "em2", -1: "em1", 0: "e0", 1: "ep1", 2: "ep2"}


def _flow_label(value: Any, limit: int = 70) -> str:
    """Text for a quoted flowchart label: no quotes, brackets or backticks."""
    text = mermaid_text(value, limit=limit, allow_colon=True)
    for bad, good in (('"', "'"), ("<", "‹"), (">", "›"), ("`", "'"), ("[", "("), ("]", ")")):
        text = text.replace(bad, good)
    return text


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("0" if value == 0 else f"−{abs(value)}")


def mermaid_flowchart(project: ProjectLike, persona: Any = None, *, max_per_phase: int = 4) -> str:
    """The journey as a Mermaid ``flowchart``: one row per phase, top to bottom.

    Each touchpoint is a box labelled with its name and emotion (−2..+2), coloured like
    the map (orange = negative, blue = positive); a moment of truth starts with "★".
    A phase with more than ``max_per_phase`` touchpoints shows the most relevant ones
    and a box "+k weitere", so the diagram stays as wide as the notebook column.
    """
    proj = as_project(project)
    who = resolve_persona(proj, persona)
    tps = touchpoints_for(proj, who)
    lines = [
        '%%{init: {"flowchart": {"wrappingWidth": 150, "nodeSpacing": 16, "rankSpacing": 24}}}%%',
        "flowchart TB",
    ]
    by_phase: dict[str, list[Any]] = {}
    for tp in tps:
        by_phase.setdefault(tp.phase, []).append(tp)
    shown: list[str] = []
    for p_no, phase in enumerate(proj.phase_model.phases, start=1):
        items = by_phase.get(phase.id)
        if not items:
            continue
        items = sorted(items, key=lambda tp: (not tp.moment_of_truth, -tp.relevance))
        keep = items if len(items) <= max_per_phase else items[: max_per_phase - 1]
        group = f"p{p_no}"
        lines.append(f'    subgraph {group}["{_flow_label(phase.name, 60)}"]')
        lines.append("        direction LR")
        nodes = []
        for t_no, tp in enumerate(keep, start=1):
            node = f"{group}t{t_no}"
            star = "★ " if tp.moment_of_truth else ""
            label = f"{star}{_flow_label(tp.name)} ({_signed(int(tp.emotion))})"
            lines.append(f'        {node}["{label}"]:::{_EMOTION_CLASS[int(tp.emotion)]}')
            nodes.append(node)
        if len(items) > len(keep):
            node = f"{group}more"
            more = t("charts.map.more", count=len(items) - len(keep))
            lines.append(f'        {node}["{_flow_label(more)}"]:::more')
            nodes.append(node)
        if len(nodes) > 1:
            # Invisible links keep the boxes of a phase in one row, in this order.
            lines.append("        " + " ~~~ ".join(nodes))
        lines.append("    end")
        shown.append(group)
    if not shown:
        lines.append(f'    empty["{_flow_label(t("export.mermaid.empty_task"))}"]')
        shown.append("empty")
    if len(shown) > 1:
        lines.append("    " + " ~~~ ".join(shown))
    for emotion, cls in _EMOTION_CLASS.items():
        fill, colour = _EMOTION_STYLE[emotion]
        lines.append(f"    classDef {cls} fill:{fill},color:{colour},stroke:#555555")
    lines.append("    classDef more fill:#ffffff,color:#555555,stroke:#999999,stroke-dasharray:3 3")
    return "\n".join(lines) + "\n"


def mermaid_markdown(project: ProjectLike, persona: Any = None, *, kind: str = "journey") -> str:
    """The journey as a fenced ```` ```mermaid ```` block for a Markdown cell.

    ``kind="journey"`` gives Mermaid's journey diagram, ``kind="flowchart"`` one row per
    phase (better for more than a handful of touchpoints).
    """
    text = (
        mermaid_flowchart(project, persona)
        if kind == "flowchart"
        else mermaid_journey(project, persona)
    )
    return f"```mermaid\n{text}```\n"


MERMAID_FORMATS = (".mmd", ".md")


def save_mermaid(project: ProjectLike, path: str | os.PathLike[str], persona: Any = None) -> Path:
    """Save the Mermaid journey: ``.mmd`` as plain Mermaid text, ``.md`` as a fenced block.

    Written atomically (UTF-8); OS problems give a German
    :class:`~cjmlib.errors.CJMError` and leave an existing file unchanged.
    """
    target = export_target(path, MERMAID_FORMATS, "export.table.unknown_format")
    if target.suffix.lower() == ".md":
        text = mermaid_markdown(project, persona)
    else:
        text = mermaid_journey(project, persona)
    return write_export(target, encode_text(text, target))
