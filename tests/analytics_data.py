"""Small, deterministic sample logs for the analytics tests (no shared data needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

TOUCHPOINTS = {
    # name: (touchpoint_id, phase, channel, online, device)
    "Anzeige": ("tp-anzeige", "bewusstsein", "Social Media", True, "Smartphone"),
    "Suche": ("tp-suche", "ueberlegung", "Suchmaschine", True, "Desktop"),
    "Beratung": ("tp-beratung", "ueberlegung", "Filiale", False, "Vor Ort"),
    "Warenkorb": ("tp-warenkorb", "entscheidung", "Online-Shop", True, "Desktop"),
    "Kasse": ("tp-kasse", "kauf", "Online-Shop", True, "Smartphone"),
    "Hotline": ("tp-hotline", "nachkauf", "Hotline", False, "Telefon"),
}


def make_log(n_customers: int = 200, seed: int = 0, mean_events: int = 6) -> pd.DataFrame:
    """Return a random event log in the schema's columns (purchases carry a value)."""
    rng = np.random.default_rng(seed)
    names = list(TOUCHPOINTS)
    sizes = rng.poisson(mean_events, n_customers) + 1
    cust = np.repeat(np.arange(n_customers), sizes)
    n = len(cust)
    # Journeys drift forward through the touchpoint list, with noise.
    base = np.concatenate([np.sort(rng.integers(0, len(names), s)) for s in sizes])
    noise = rng.random(n) < 0.25
    tp = np.where(noise, rng.integers(0, len(names), n), base)
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n_customers), "D")
    offsets = np.concatenate([np.cumsum(rng.integers(0, 72, s)) for s in sizes])
    ts = start.values[cust] + (offsets * 3600 * 10**9).astype("timedelta64[ns]")
    rows = [TOUCHPOINTS[names[i]] for i in tp]
    frame = pd.DataFrame(
        {
            "customer_id": [f"K{c:05d}" for c in cust],
            "timestamp": pd.to_datetime(ts),
            "touchpoint_id": [r[0] for r in rows],
            "touchpoint": [names[i] for i in tp],
            "phase": [r[1] for r in rows],
            "channel": [r[2] for r in rows],
            "device": [r[4] for r in rows],
            "online": [r[3] for r in rows],
        }
    )
    frame["value"] = np.where(frame["touchpoint"] == "Kasse", rng.gamma(2, 30, n).round(2), np.nan)
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
