"""Fuzzing load_events: every input ends in a table or a German CJMError, never a raw one.

The strategies live in ``tools/fuzz_load_events.py``, which runs them 1,000+ times each
(``.venv/bin/python tools/fuzz_load_events.py --examples 1000``); here a moderate number
per kind keeps the suite fast.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cjm_fuzz", ROOT / "tools" / "fuzz_load_events.py")
assert _spec is not None and _spec.loader is not None
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

pytestmark = pytest.mark.slow


def test_fuzzed_inputs_give_tables_or_german_errors():
    tally = fuzz.run(examples=60, seed=0)
    assert tally.bad == 0, "\n".join(tally.raw[:3])
    kinds = {key.split(":")[0] for key in tally.counts}
    assert {"csv load_events", "random bytes", "broken parquet", "frame load_events"} <= kinds
    # The generated CSVs are not all rejected: some are real logs that load.
    assert tally.counts["csv load_events: table"] > 0
