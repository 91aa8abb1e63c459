"""What a script that asks one question of a large file pays besides DuckDB's query.

These tests check the *order* of the work, never a time: a file's query must start before
pandas is imported (pandas loads in a background thread meanwhile, see
``cjmlib.analytics.engine._warm_up``), so that on two cores the import overlaps the scan.
The figures are measured by ``benchmarks/bench_analytics.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from analytics_data import make_log

STEPS = ["Anzeige", "Suche", "Warenkorb", "Kasse"]

PROBE = """
import json, sys
import cjmlib.analytics.engine as engine
engine._warmed.set()  # no background import: we see what the main thread itself needs
seen = []
original = engine._DuckRunner.fetch
def fetch(self, sql):
    seen.append("pandas" in sys.modules)
    return original(self, sql)
engine._DuckRunner.fetch = fetch
from cjmlib.analytics import funnel, scan_events, top_paths
path, call = sys.argv[1], sys.argv[2]
if call == "scan":
    scan_events(path)
elif call == "funnel":
    funnel(path, json.loads(sys.argv[3]), by="touchpoint")
else:
    top_paths(path, length=3, n=5)
print(json.dumps({"before_query": seen[:1], "pandas_now": "pandas" in sys.modules}))
"""


@pytest.fixture(scope="module")
def log_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("whole") / "log.parquet"
    make_log(300, seed=3).to_parquet(path)
    return path


def probe(*args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_scanning_a_file_does_not_import_pandas(log_file):
    assert probe(str(log_file), "scan") == {"before_query": [], "pandas_now": False}


@pytest.mark.parametrize("call", ["funnel", "paths"])
def test_the_query_on_a_file_starts_before_pandas_is_imported(log_file, call):
    result = probe(str(log_file), call, json.dumps(STEPS))
    assert result == {"before_query": [False], "pandas_now": True}
