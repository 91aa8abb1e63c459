"""The answer hand-over (kernel -> grader) keeps every value of an object column.

Text, the most common value, takes a short path on both sides; mixed columns (text with
missing values, dates, lists, nested dicts) must come back exactly as the long path gives
them, and a frame of ~60 k rows (an event log) must survive the trip unchanged.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from cjmlib.grading import answers


def test_mixed_object_column_comes_back_value_by_value():
    column = pd.Series(
        ["Filiale", None, np.nan, pd.NA, dt.date(2026, 7, 1), ["a", 1], {"k": "v"}, np.str_("x")],
        dtype=object,
    )
    frame = pd.DataFrame({"wert": column, "zahl": range(len(column))})
    back = answers.round_trip({"frame": frame}, ["frame"])["frame"]
    got = back["wert"].tolist()
    assert got[0] == "Filiale" and type(got[0]) is str
    assert got[1] is None
    assert isinstance(got[2], float) and np.isnan(got[2])
    assert got[3] is pd.NA
    assert got[4] == dt.date(2026, 7, 1)
    assert got[5] == ["a", 1]
    assert got[6] == {"k": "v"}
    assert got[7] == "x"
    assert back["zahl"].tolist() == list(range(len(column)))


def test_an_event_log_sized_text_frame_survives_the_trip():
    n = 60_000
    frame = pd.DataFrame(
        {
            "customer_id": [f"k{i % 7_500:05d}" for i in range(n)],
            "touchpoint": np.where(np.arange(n) % 3 == 0, "Online-Shop", "Filiale").astype(object),
            "channel": [None if i % 11 == 0 else "online" for i in range(n)],
        }
    )
    # What analytics.load_events gives: categories of text, nullable yes/no and numbers.
    frame["phase"] = pd.Categorical(np.where(np.arange(n) % 5 == 0, None, "Kauf"))
    frame["online"] = pd.array([None if i % 7 == 0 else i % 2 == 0 for i in range(n)], "boolean")
    frame["anzahl"] = pd.array([None if i % 13 == 0 else i for i in range(n)], "Int64")
    frame["wert"] = np.where(np.arange(n) % 3 == 0, np.nan, 1.5)
    back = answers.round_trip({"log": frame}, ["log"])["log"]
    assert_frame_equal(back, frame)
