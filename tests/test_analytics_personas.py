"""Do data-based persona drafts come from stable, well-described clusters?"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cjmlib.analytics import (
    build_customer_features,
    cluster_customers,
    cluster_stability,
    describe_clusters,
    draft_personas,
)
from cjmlib.errors import CJMError
from cjmlib.model import Persona


def two_groups(n=120, seed=0) -> pd.DataFrame:
    """Shoppers who buy online on a smartphone, and shop visitors who buy rarely."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        online = i % 2 == 0
        jitter = rng.normal(0, 2, 8)  # hours: the groups differ a lot, members a little
        for j in range(8 if online else 2):
            rows.append(
                {
                    "customer_id": f"K{i:03d}",
                    "timestamp": pd.Timestamp("2024-01-01")
                    + pd.Timedelta(hours=j * 72 + abs(jitter[j])),
                    "touchpoint": ["App", "Shop", "Kasse"][j % 3] if online else "Filiale",
                    "channel": "App" if online else "Filiale",
                    "device": "Smartphone" if online else "Vor Ort",
                    "online": online,
                    "value": 40.0 if online and j % 3 == 2 else np.nan,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def features():
    return build_customer_features(two_groups())


def test_clusters_find_the_two_groups(features):
    clusters = cluster_customers(features, seed=1)
    assert clusters.attrs["k"] == 2
    assert set(clusters.attrs["silhouette"]) == {2, 3, 4, 5}
    online = clusters["customer_id"].str[1:].astype(int) % 2 == 0
    assert clusters.groupby(online)["cluster"].nunique().tolist() == [1, 1]
    assert clusters[online]["cluster"].iloc[0] != clusters[~online]["cluster"].iloc[0]


def test_profiles_describe_groups_in_german_and_draft_personas(features):
    events = two_groups()
    clusters = cluster_customers(features, k=2)
    profiles = describe_clusters(features, clusters, events=events)
    assert profiles["customers"].sum() == 120
    text = " ".join(profiles["description"])
    assert "vor allem online unterwegs" in text and "% der Kundschaft" in text
    drafts = draft_personas(profiles)
    assert len(drafts) == 2 and all(isinstance(p, Persona) for p in drafts)
    assert drafts[0].name == "Persona-Entwurf 1"
    assert {e.kind for e in drafts[0].evidence} == {"Web-Analyse"}
    assert any("App" in p.channels for p in drafts)


def test_small_clusters_get_no_description():
    features = pd.DataFrame({"x": [0.0] * 20 + [10.0] * 3}, index=[f"K{i}" for i in range(23)])
    clusters = cluster_customers(features, k=2)
    profiles = describe_clusters(features, clusters)
    small = profiles[profiles["small"]]
    assert small["customers"].tolist() == [3]
    assert small["description"].iloc[0].startswith("Weniger als 5 Personen")
    assert len(draft_personas(profiles)) == 1


def test_stability_of_clear_groups_is_high(features):
    out = cluster_stability(features, k=2, runs=4)
    assert out["ari"].between(-1, 1).all() and len(out) == 4
    assert out.attrs["verdict"] == "stable"
    assert out.attrs["explanation"].startswith("Die Gruppen sind stabil")


def test_k_outside_two_to_five_is_refused(features):
    with pytest.raises(CJMError, match="bildet 2 bis 5 Gruppen"):
        cluster_customers(features, k=7)
