"""Mermaid ``journey`` text of a journey map (renders in JupyterLab Markdown cells).

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

from cjmlib.charts._common import (
    as_project,
    clean,
    resolve_persona,
    touchpoints_for,
)
from cjmlib.io._target import encode_text, export_target, write_export
from cjmlib.messages import t

#: Replacements for characters Mermaid cannot take in a name (German readings).
_REPLACE = {":": " –", "#": "Nr. ", ";": ",", "%": " Prozent", "\u2028": " ", "\u2029": " "}
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


def mermaid_journey(project: Any, persona: Any = None) -> str:
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


def mermaid_markdown(project: Any, persona: Any = None) -> str:
    """The Mermaid journey as a fenced ```` ```mermaid ```` block for a Markdown cell."""
    return f"```mermaid\n{mermaid_journey(project, persona)}```\n"


MERMAID_FORMATS = (".mmd", ".md")


def save_mermaid(project: Any, path: str | os.PathLike[str], persona: Any = None) -> Path:
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
