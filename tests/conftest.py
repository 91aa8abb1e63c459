"""Shared fixtures: every test runs in German and writes only into tmp folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cjmlib.messages import set_language

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _german_and_isolated(tmp_path_factory, monkeypatch):
    set_language("de")
    folder = tmp_path_factory.mktemp("arbeitsbuch")
    monkeypatch.setenv("CJM_WORKBOOK", str(folder / "mein_projekt.cjm.json"))
    yield
    set_language("de")


@pytest.fixture
def workbook(tmp_path):
    """A fresh, empty workbook in a tmp folder."""
    from cjmlib.workbook import Workbook

    return Workbook.open(tmp_path / "projekt.cjm.json")


def pytest_report_header(config):
    return f"CJM-Werkstatt tests in {ROOT} (CI={os.environ.get('CI', '')})"
