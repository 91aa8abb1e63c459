"""How a chapter notebook finds the trainee's workbook.

Each chapter starts with ``wb = my_workbook(n)``. The trainee's own workbook lives in
``arbeitsbuch/mein_projekt.cjm.json`` beside the chapters (or where ``CJM_WORKBOOK``
points). A trainee who jumps in at chapter n without the results of the chapters
before gets a copy of the running case's sample workbook instead, and is told so.
"""

from __future__ import annotations

import os
from pathlib import Path

from cjmlib.messages import t
from cjmlib.workbook import Workbook

WORKBOOK_ENV = "CJM_WORKBOOK"
DEFAULT_NAME = "mein_projekt.cjm.json"
SAMPLE_NAME = "beispiel_{industry}.cjm.json"

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


def my_workbook(
    chapter: int | None = None, *, industry: str = "einzelhandel", quiet: bool = False
) -> Workbook:
    """Open the trainee's workbook for ``chapter``.

    If the chapters before have not produced what this one needs, a copy of the sample
    workbook of ``industry`` is opened instead (your own file stays untouched).
    """
    from cjmlib import datasets

    _style_page()
    folder = workbook_dir()
    folder.mkdir(parents=True, exist_ok=True)
    own = Workbook.open(workbook_path(), name=t("course.default_project_name"))
    missing = missing_for(own, chapter) if chapter else []
    if not missing:
        if not quiet:
            print(t("course.opened_own", path=own.path, chapter=chapter or "–"))
        return own
    sample_path = folder / SAMPLE_NAME.format(industry=industry)
    sample = datasets.open_workbook(industry, sample_path)
    if not quiet:
        print(
            t(
                "course.using_sample",
                chapter=chapter,
                missing=", ".join(t(f"collection.{c}") for c in missing),
                path=sample.path,
                own=own.path,
            )
        )
    return sample


def _style_page() -> None:
    """Add the course's page style when running inside a notebook (no-op elsewhere)."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        return
    if get_ipython() is not None:
        display(HTML(PAGE_STYLE))
