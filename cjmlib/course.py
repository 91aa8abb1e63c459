"""How a chapter notebook finds the trainee's workbook.

Each chapter starts with ``wb = my_workbook(n)``. The trainee's own workbook lives in
``arbeitsbuch/mein_projekt.cjm.json`` beside the chapters (or where ``CJM_WORKBOOK``
points). Every chapter opens this one file, also when a trainee starts late: the chapter
then says plainly which earlier steps are missing and in which chapter they are done,
and everything the trainee enters still goes into the same file. The trainee's work is
never split across a copy of the sample workbook and the own one.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from cjmlib.messages import t
from cjmlib.workbook import Workbook

WORKBOOK_ENV = "CJM_WORKBOOK"
DEFAULT_NAME = "mein_projekt.cjm.json"

# A journey map is wider than the notebook panel on a laptop; JupyterLab would clip its
# right-hand phases. This rule gives wide charts a horizontal scrollbar instead.
PAGE_STYLE = "<style>.jp-RenderedVegaLite{overflow-x:auto;max-width:100%}</style>"

#: What a chapter needs from the chapters before it (collections that must not be empty).
PREREQUISITES: dict[int, tuple[str, ...]] = {
    1: (),
    2: (),
    3: ("personas",),
    4: ("personas",),
    5: ("touchpoints",),
    6: ("personas", "touchpoints"),
    7: ("touchpoints",),
    8: ("pain_points",),
    9: ("solutions",),
    10: ("touchpoints",),
    11: ("solutions",),
    12: ("touchpoints",),
    13: ("personas", "touchpoints", "pain_points", "solutions"),
}

#: The chapter in which each collection is filled in.
FILLED_IN: dict[str, int] = {
    "segments": 1,
    "personas": 2,
    "needs": 3,
    "touchpoints": 4,
    "pain_points": 7,
    "solutions": 8,
    "hypotheses": 9,
    "feedback": 10,
    "actions": 11,
    "reviews": 12,
}


def workbook_dir() -> Path:
    """The folder for the trainee's workbooks (``arbeitsbuch/`` of the course)."""
    env = os.environ.get(WORKBOOK_ENV)
    if env:
        path = Path(env).expanduser()
        return path.parent if path.suffix == ".json" else path
    root = Path(__file__).resolve().parents[1]
    if not (root / "chapters").is_dir():
        root = Path.cwd()
    return root / "arbeitsbuch"


def workbook_path() -> Path:
    """The path of the trainee's own workbook."""
    env = os.environ.get(WORKBOOK_ENV)
    if env and Path(env).suffix == ".json":
        return Path(env).expanduser()
    return workbook_dir() / DEFAULT_NAME


def missing_for(wb: Workbook, chapter: int) -> list[str]:
    """The collections chapter ``chapter`` needs that are still empty in ``wb``."""
    project = wb.project
    return [c for c in PREREQUISITES.get(chapter, ()) if not getattr(project, c)]


def my_workbook(chapter: int | None = None, *, quiet: bool = False) -> Workbook:
    """Open the trainee's own workbook for ``chapter`` and say what is still missing.

    The same file is opened in every chapter. When the chapters before have not yet
    produced what this one builds on, a visible German note names the missing steps and
    their chapters; the chapter's examples use the sample project, and what the trainee
    enters is saved in the own workbook all the same.
    """
    _style_page()
    folder = workbook_dir()
    folder.mkdir(parents=True, exist_ok=True)
    own = Workbook.open(workbook_path(), name=t("course.default_project_name"))
    if quiet:
        return own
    opened = (
        t("course.opened_chapter", path=own.path, chapter=chapter)
        if chapter
        else t("course.opened", path=own.path)
    )
    missing = missing_for(own, chapter) if chapter else []
    if missing:
        steps = ", ".join(
            t("course.missing_step", collection=t(f"collection.{c}"), chapter=FILLED_IN[c])
            for c in missing
        )
        _notice(t("course.missing", chapter=chapter, steps=steps, path=own.path), warn=True)
    _notice(f"{opened}\n{t('course.reload_tip')}", warn=False)
    return own


def _notice(text: str, *, warn: bool) -> None:
    """Show ``text`` as a coloured box in a notebook, or print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    colour = (
        "#fff4d6;border-left:4px solid #e69f00" if warn else "#eef1f5;border-left:4px solid #9aa7b5"
    )
    body = "<br>".join(html.escape(line) for line in text.splitlines())
    # IPython's display functions carry no type hints.
    display(  # type: ignore[no-untyped-call]
        {
            "text/plain": text,
            "text/html": f'<div style="background:{colour};padding:6px 10px;margin:2px 0;'
            f'font-size:13px;line-height:1.45">{body}</div>',
        },
        raw=True,
    )


def _style_page() -> None:
    """Add the course's page style when running inside a notebook (no-op elsewhere)."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        return
    if get_ipython() is not None:
        display(HTML(PAGE_STYLE))  # type: ignore[no-untyped-call]
