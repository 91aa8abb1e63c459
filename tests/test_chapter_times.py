"""Do the chapters state the time they really take (measured by tools/chapter_times.py)?"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("chapter_times", ROOT / "tools" / "chapter_times.py")
chapter_times = importlib.util.module_from_spec(_spec)
sys.modules["chapter_times"] = chapter_times  # dataclasses look their module up there
_spec.loader.exec_module(chapter_times)


def test_stated_times_are_the_measured_ones():
    """Is every "Zeitbedarf" and the start page's table what the measurement gives?"""
    times = [chapter_times.measure(p) for p in chapter_times.chapters()]
    assert chapter_times.apply(times) == {}, "run: python tools/chapter_times.py write"


def test_start_page_shows_every_chapter_and_the_method():
    start = nbformat.read(str(ROOT / "chapters" / "00_Start.ipynb"), as_version=4)
    text = "\n".join(c.source for c in start.cells)
    for n in range(13):
        assert f"| {n} " in text
    assert "So messen wir" in text and "130 Wörtern pro Minute" in text


def test_measurement_counts_reading_and_doing():
    """A chapter with more words, cells or entries takes longer; the parts add up."""
    base = chapter_times.ChapterTime(1, "x", 1300, 10, 2, 4, 6, 20.0)
    assert base.reading == 10.0
    assert base.doing == 10 * 0.5 + 2 * 1.0 + 4 * 0.5 + 6 * 1.0 + 2.0 + 20.0
    assert base.total == chapter_times.round5(base.reading) + chapter_times.round5(base.doing)
    longer = chapter_times.ChapterTime(1, "x", 2600, 10, 2, 4, 6, 20.0)
    assert longer.total > base.total
