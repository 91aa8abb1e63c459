"""The house rules of cjmlib, checked: the layer contract and light imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_layer_contract_holds():
    """`.importlinter` names the layers, private modules and cycles; lint-imports checks them."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


def _loaded_after(statement: str) -> set[str]:
    """Top-level module names loaded by ``statement`` in a fresh interpreter."""
    listing = "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    code = f"{statement}\nimport sys\n{listing}"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


@pytest.mark.parametrize(
    "package", ["cjmlib.io", "cjmlib.model", "cjmlib.workbook", "cjmlib.analytics"]
)
def test_importing_a_package_below_charts_loads_no_altair(package):
    """Loading altair switches its global theme: only charts (and what draws them) may do it."""
    loaded = _loaded_after(f"import {package}")
    assert "altair" not in loaded
    assert "ipywidgets" not in loaded


def test_saving_a_chart_still_applies_the_house_theme():
    """io renders through charts when asked to: the theme is on once a chart is saved."""
    code = (
        "import cjmlib.io, altair as alt\n"
        "from cjmlib.io.images import chart_spec\n"
        "spec = chart_spec(alt.Chart({'values': [{'a': 1}]}).mark_bar().encode(x='a:Q'))\n"
        "print(alt.theme.active)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cjm"
