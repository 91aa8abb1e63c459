"""The public surface of cjmlib is curated: nothing leaks in unnoticed."""

from __future__ import annotations

import cjmlib

EXPECTED = {
    "Action",
    "CJMError",
    "Evidence",
    "FeedbackItem",
    "Goal",
    "Hypothesis",
    "ImportProblem",
    "JourneyProject",
    "Need",
    "PainPoint",
    "Persona",
    "Phase",
    "PhaseModel",
    "Review",
    "Segment",
    "Solution",
    "Touchpoint",
    "Workbook",
    "WorkbookError",
    "__version__",
    "get_language",
    "preset",
    "set_language",
}


def test_all_is_exactly_the_curated_list():
    assert set(cjmlib.__all__) == EXPECTED


def test_every_name_in_all_exists():
    missing = [name for name in cjmlib.__all__ if not hasattr(cjmlib, name)]
    assert missing == []


def test_no_public_name_leaks_beside_all():
    import types

    public = {
        name
        for name, value in vars(cjmlib).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public <= set(cjmlib.__all__), public - set(cjmlib.__all__)


def test_layers_point_one_way():
    """model and workbook import nothing from analytics, charts or widgets."""
    import pathlib
    import re

    root = pathlib.Path(cjmlib.__file__).parent
    pattern = re.compile(r"^\s*(from|import)\s+cjmlib\.(analytics|charts|widgets)", re.M)
    offenders = [
        str(p.relative_to(root))
        for sub in ("model", "workbook")
        for p in (root / sub).rglob("*.py")
        if pattern.search(p.read_text())
    ]
    assert offenders == []
    charts_dir = root / "charts"
    if charts_dir.is_dir():
        widget_imports = [
            str(p.relative_to(root))
            for p in charts_dir.rglob("*.py")
            if re.search(r"^\s*(from|import)\s+cjmlib\.widgets", p.read_text(), re.M)
        ]
        assert widget_imports == []
