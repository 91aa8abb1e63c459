"""The library's types are checked: mypy, strict (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_strict_passes_on_the_library():
    """Every module of cjmlib type-checks under ``strict = true`` (see [tool.mypy])."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_mypy_is_strict_for_the_core_packages():
    """The strictness is configured, not assumed: model, workbook and analytics get all of it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["files"] == ["cjmlib"]
    relaxed = {
        module
        for override in config.get("overrides", [])
        if any(key.startswith(("disallow_", "check_", "warn_return")) for key in override)
        for module in override["module"]
    }
    assert not relaxed & {"cjmlib.model.*", "cjmlib.workbook.*", "cjmlib.analytics.*"}
