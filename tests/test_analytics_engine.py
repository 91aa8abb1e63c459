"""The engine: inputs it wraps, out-of-core work, and an import that stays light."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from analytics_data import make_log

from cjmlib.analytics import funnel, scan_events, top_paths, transition_matrix
from cjmlib.analytics.engine import configure, engine_settings
from cjmlib.errors import CJMError

STEPS = ["Anzeige", "Suche", "Warenkorb", "Kasse"]


@pytest.fixture
def log_file(tmp_path):
    log = make_log(3000, seed=11)
    path = tmp_path / "log.parquet"
    log.to_parquet(path)
    return log, path


def test_duckdb_relation_and_file_give_the_frame_answers(log_file):
    import duckdb

    log, path = log_file
    want = funnel(log, STEPS, by="touchpoint")["customers"].tolist()
    con = duckdb.connect()
    relation = con.sql(f"SELECT * FROM read_parquet('{path}')")
    assert funnel(relation, STEPS, by="touchpoint")["customers"].tolist() == want
    assert funnel(path, STEPS, by="touchpoint")["customers"].tolist() == want
    pd.testing.assert_frame_equal(transition_matrix(relation), transition_matrix(log))


def test_out_of_core_with_a_tiny_memory_limit_gives_the_same_answer(log_file):
    _, path = log_file
    want_funnel = funnel(path, STEPS, by="touchpoint")["customers"].tolist()
    want_paths = top_paths(path, length=4, n=10)
    try:
        configure(memory_limit="24MB", threads=1)
        assert engine_settings()["memory_limit"] == "24MB"
        assert funnel(path, STEPS, by="touchpoint")["customers"].tolist() == want_funnel
        pd.testing.assert_frame_equal(top_paths(scan_events(path), length=4, n=10), want_paths)
    finally:
        configure()
    assert engine_settings()["memory_limit"] != "24MB"


def test_unknown_inputs_get_a_german_message():
    with pytest.raises(CJMError, match=r"`events` ist list\. Die Auswertung liest"):
        funnel([1, 2, 3], STEPS)


def test_importing_analytics_loads_neither_pandas_nor_the_model():
    code = (
        "import sys, cjmlib.analytics; "
        "heavy = [m for m in ('pandas', 'sklearn', 'statsmodels', 'pydantic', 'duckdb') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_row_order_and_index_labels_do_not_change_any_answer():
    # A frame after dropna/drop_duplicates/sort has gaps and shuffled labels in its index.
    log = make_log(400, seed=4)
    messy = log.iloc[::-1].drop(index=log.index[::7])
    clean = messy.sort_values("timestamp").reset_index(drop=True)
    assert funnel(messy, STEPS, by="touchpoint").equals(funnel(clean, STEPS, by="touchpoint"))
    pd.testing.assert_frame_equal(top_paths(messy), top_paths(clean))
    pd.testing.assert_frame_equal(transition_matrix(messy), transition_matrix(clean))
    from cjmlib.analytics import load_events

    assert len(load_events(messy)) == len(load_events(clean))


def test_a_file_that_cannot_be_scanned_leaves_no_temporary_copy(tmp_path, monkeypatch):
    """A Windows-1252 export is copied to UTF-8 for DuckDB; when the file is then refused
    (here: no customer column), the copy must go too, or every failed try of a trainee
    leaves a folder in the temp directory."""
    import tempfile

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    export = tmp_path / "export.csv"
    export.write_bytes(
        "Zeitpunkt;Kontaktpunkt;Größe\n01.03.2026 10:00;Laden;groß\n".encode("cp1252")
    )
    with pytest.raises(CJMError):
        scan_events(export)
    assert sorted(p.name for p in temp.iterdir()) == []
