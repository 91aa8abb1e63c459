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
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import JourneyProject, Verification
from cjmlib.workbook import Workbook

if TYPE_CHECKING:
    import pandas as pd

    from cjmlib.datasets.settings import CaseTrack, PeriodReview
    from cjmlib.widgets.industry import IndustryPicker

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
        company = _company(my_industry())
        _notice(
            t("course.missing", chapter=chapter, steps=steps, path=own.path, firma=company),
            warn=True,
        )
    _notice(f"{opened}\n{t('course.reload_tip')}", warn=False)
    return own


def _notice(text: str, *, warn: bool) -> None:
    """Show ``text`` as a coloured box in a notebook, or print it elsewhere."""
    if not _in_notebook():
        print(text)
        return
    from IPython.display import display

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


# -- the industry track ------------------------------------------------------------------
#
# The trainee picks the industry of the course's examples on the start page. The choice is
# a course setting, not part of the trainee's project: it lives in a small settings file
# beside the workbook (``arbeitsbuch/einstellungen.json``), so the trainee's own workbook,
# its history and the capstone report stay about the trainee's own company, and changing
# the examples never writes a revision into the workbook. ``CJM_BRANCHE`` overrides the
# file (an instructor can fix a class's industry on a hub; the tests run every track).

INDUSTRY_ENV = "CJM_BRANCHE"
SETTINGS_NAME = "einstellungen.json"


def settings_path() -> Path:
    """The trainee's course settings (the chosen industry) beside the workbook."""
    return workbook_dir() / SETTINGS_NAME


def my_industry() -> str:
    """The industry whose case the chapters show (the running case unless one was picked).

    A settings file that cannot be read or names an unknown industry is reported in German
    and the running case is used; the file is left as it is, so nothing is lost.
    """
    from cjmlib import datasets

    chosen = os.environ.get(INDUSTRY_ENV, "").strip()
    if chosen:
        return datasets.check_industry(chosen)
    path = settings_path()
    if not path.exists():
        return datasets.RUNNING_CASE
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        chosen = settings["branche"] if isinstance(settings, dict) else ""
    except (OSError, ValueError, KeyError):
        chosen = ""
    if isinstance(chosen, str) and chosen in datasets.industries():
        return chosen
    default = datasets.industries()[datasets.RUNNING_CASE]
    _notice(t("track.unreadable_settings", path=path, default=default), warn=True)
    return datasets.RUNNING_CASE


def choose_industry(industry: str) -> Path:
    """Store ``industry`` as the trainee's track; the chapters read it when they start."""
    from cjmlib import datasets
    from cjmlib.files import write_file

    key = datasets.check_industry(industry)
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"branche": key}, ensure_ascii=False, indent=2) + "\n"
    return write_file(path, text.encode("utf-8"))


@dataclass(frozen=True)
class Case:
    """The example a chapter shows: the picked industry's sample workbook and case texts."""

    industry: str
    #: German name of the industry, e.g. "Bank".
    industry_name: str
    #: one line about the case company and its journey (``industry.yaml``'s ``case``).
    summary: str
    project: JourneyProject
    track: CaseTrack

    @property
    def company(self) -> str:
        """The case company, e.g. "Nordstern Direktbank"."""
        return self.track.company

    @property
    def personas(self) -> list[str]:
        """The names of the case's personas, in the workbook's order."""
        return [p.name for p in self.project.personas]

    def text(self, key: str, **params: Any) -> str:
        """The message ``key`` with the case's names filled in (``{firma}``, ``{persona1}`` ...)."""
        names = {f"persona{i}": name for i, name in enumerate(self.personas, start=1)}
        return t(
            key,
            firma=self.company,
            branche=self.industry_name,
            fall=self.summary,
            **names,
            **params,
        )

    def show(self, key: str, **params: Any) -> None:
        """Show :meth:`text` as Markdown in a notebook (printed elsewhere)."""
        _markdown(self.text(key, **params))

    def story(self, key: str) -> str:
        """The chapter text ``key`` ("<chapter>.<name>") told with this case's own names.

        The texts live in the industry's ``chapter_texts.yaml``; every industry has the
        same keys, so the chapter finds its text whichever industry was picked.
        """
        from cjmlib.datasets.industry_data import chapter_texts

        texts = chapter_texts(self.industry)
        found = texts.text(key)
        if found is None:
            allowed = ", ".join(sorted(texts.keys()))
            raise CJMError(
                t("prose.unknown_text", key=key, industry=self.industry_name, allowed=allowed),
                field="key",
                value=key,
                allowed=allowed,
            )
        return found

    def tell(self, key: str) -> None:
        """Show the chapter text :meth:`story` as Markdown in a notebook (printed elsewhere)."""
        _markdown(self.story(key))

    def improved_touchpoints(self, count: int = 2) -> dict[str, str]:
        """Touchpoint id -> title of the case's solution that improves it (chapter 13's to-be).

        The solutions with the largest impact come first; each gives the first touchpoint
        of its pain points not taken yet, until ``count`` touchpoints are found.
        """
        pain_points = {pp.id: pp for pp in self.project.pain_points}
        found: dict[str, str] = {}
        for solution in sorted(self.project.solutions, key=lambda s: -s.impact):
            touchpoints = [
                tp_id
                for pp_id in solution.pain_point_ids
                if pp_id in pain_points
                for tp_id in pain_points[pp_id].touchpoint_ids
                if tp_id not in found
            ]
            if touchpoints and len(found) < count:
                found[touchpoints[0]] = solution.title
        return found

    # -- chapter 12: the review against the later data period -------------------------

    @cached_property
    def period(self) -> str:
        """Key of the case's latest later data period, e.g. ``"2026-h2"`` (chapter 12)."""
        from cjmlib.datasets.industry_data import period_keys

        keys = period_keys(self.industry)
        if not keys:
            raise CJMError(
                t("period_review.no_period", industry=self.industry_name),
                field="period",
                value=self.industry,
            )
        return keys[-1]

    @cached_property
    def review(self) -> PeriodReview:
        """What the case's team finds and decides in the review of :attr:`period`."""
        from cjmlib.datasets.industry_data import load_industry

        return load_industry(self.industry).periods[self.period].review

    def show_findings(self, workbook: Workbook, verification: Verification) -> None:
        """Show the review's findings beside the statuses ``verification`` gave them."""
        from cjmlib.datasets.review import findings_markdown

        _markdown(findings_markdown(workbook.project, verification, self.review))

    def show_decisions(self) -> None:
        """Show what the case's team decides in the review, as a numbered list."""
        from cjmlib.datasets.review import decisions_markdown

        _markdown(decisions_markdown(self.review))

    def apply_review(self, workbook: Workbook) -> pd.DataFrame:
        """Make the review's changes in ``workbook`` (one save); return the calls made."""
        from cjmlib.datasets.review import apply_review

        return apply_review(workbook, self.review)


def my_case(industry: str | None = None, *, note: bool = True) -> Case:
    """The case of ``industry`` (default: the trainee's track, :func:`my_industry`).

    With ``note`` a chapter shows one line naming the example it follows.
    """
    from cjmlib import datasets
    from cjmlib.datasets.industry_data import catalogue

    key = datasets.check_industry(industry) if industry else my_industry()
    info = catalogue()[key]
    project = datasets.load(key, "workbook")
    # load() returns a table for the other kinds; "workbook" is always the project.
    assert isinstance(project, JourneyProject)
    case = Case(key, datasets.industries()[key], datasets.describe(key)[key], project, info.track)
    if note:
        _notice(case.text("track.chapter_note"), warn=False)
    return case


def case_names(industry: str) -> set[str]:
    """Words that name ``industry``'s case: company, persona names and its track words.

    The tests look for them in the chapters' outputs of every other industry.
    """
    case = my_case(industry, note=False)
    return {case.company, *case.personas, *case.track.words}


def industry_picker() -> IndustryPicker:
    """The start page's picker: every industry with its case, saving the trainee's choice."""
    from cjmlib import datasets
    from cjmlib.widgets.industry import IndustryPicker

    cases = datasets.describe()
    choices = {key: (name, cases[key]) for key, name in datasets.industries().items()}
    return IndustryPicker(choices, my_industry(), save=choose_industry)


def _company(industry: str) -> str:
    from cjmlib.datasets.industry_data import catalogue

    return catalogue()[industry].track.company


def _in_notebook() -> bool:
    """True inside IPython (a notebook): then text is displayed, elsewhere printed."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        return False
    return get_ipython() is not None


def _markdown(text: str) -> None:
    if not _in_notebook():
        print(text)
        return
    from IPython.display import Markdown, display

    display(Markdown(text))  # type: ignore[no-untyped-call]
