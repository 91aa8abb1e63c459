"""Fuzzing every importer and hand-edited workbook files: a German error or success, nothing else.

Issue 15, items 4, 7 and 8. The suite runs a few hundred inputs per target;
``tools/fuzz_files.py`` runs 10,000 per target and prints the figures.
"""

from __future__ import annotations

import pytest
from _fuzz_targets import check_import, check_workbook, csv_bytes, workbook_bytes, xlsx_bytes
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(csv_bytes())
def test_csv_and_unicode_text_imports_never_raise_raw_errors(data):
    check_import(data)


@settings(FUZZ, max_examples=100)
@given(xlsx_bytes())
def test_excel_imports_never_raise_raw_errors(data):
    check_import(data)


@settings(FUZZ, max_examples=100)
@given(workbook_bytes())
def test_hand_edited_workbooks_never_raise_raw_errors(raw):
    check_workbook(raw)
