"""Behaviour data for the journey: funnels, paths, switches, survey metrics, experiments.

Pure functions, small pandas tables out. Event-log computations run as SQL on DuckDB
(embedded) or Spark (see :mod:`cjmlib.analytics.engine`); their input may be a DataFrame,
a CSV/Parquet path, a :func:`scan_events` log or an engine table. Every result carries
a German explanation in ``attrs["explanation"]`` (or in the returned text), and warnings
where fewer than 30 answers stand behind a figure. Tables meant for sharing go through
:func:`suppress_small_groups` (k = 5) first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cjmlib.analytics.events import explain_report, load_events, map_events, validate_events
    from cjmlib.analytics.experiments import ABTestResult, ab_test, explain_sample_size, sample_size
    from cjmlib.analytics.feedback_text import count_themes, tag_feedback
    from cjmlib.analytics.funnels import funnel
    from cjmlib.analytics.lived import (
        compare_design,
        directly_follows,
        hidden_touchpoints,
        journey_variants,
    )
    from cjmlib.analytics.moments import find_moments_of_truth
    from cjmlib.analytics.needs import score_needs
    from cjmlib.analytics.paths import time_between_steps, top_paths, transition_matrix
    from cjmlib.analytics.personas import (
        build_customer_features,
        cluster_customers,
        cluster_stability,
        describe_clusters,
        draft_personas,
    )
    from cjmlib.analytics.privacy import (
        drop_identifiers,
        make_shareable,
        pseudonymise,
        suppress_small_groups,
    )
    from cjmlib.analytics.retention import retention_by_cohort
    from cjmlib.analytics.scan import EventLog, scan_events
    from cjmlib.analytics.segments import compare_segments
    from cjmlib.analytics.survey import (
        compute_ces,
        compute_csat,
        compute_nps,
        emotion_from_survey,
        survey_metrics,
        survey_trend,
    )
    from cjmlib.analytics.switches import compare_switchers, count_switches
    from cjmlib.analytics.touches import first_last_touch
    from cjmlib.analytics.verification import (
        claim_statuses,
        compare_verifications,
        revisit_first,
        revisit_table,
        verification_table,
        verify_map,
    )

# Submodules load on first use: `import cjmlib.analytics` stays fast, and a script that
# only counts events never imports scikit-learn, statsmodels or the workbook (PEP 562).
_LAZY: dict[str, str] = {
    "ABTestResult": "cjmlib.analytics.experiments",
    "EventLog": "cjmlib.analytics.scan",
    "ab_test": "cjmlib.analytics.experiments",
    "build_customer_features": "cjmlib.analytics.personas",
    "claim_statuses": "cjmlib.analytics.verification",
    "cluster_customers": "cjmlib.analytics.personas",
    "cluster_stability": "cjmlib.analytics.personas",
    "compare_design": "cjmlib.analytics.lived",
    "compare_segments": "cjmlib.analytics.segments",
    "compare_switchers": "cjmlib.analytics.switches",
    "compare_verifications": "cjmlib.analytics.verification",
    "compute_ces": "cjmlib.analytics.survey",
    "compute_csat": "cjmlib.analytics.survey",
    "compute_nps": "cjmlib.analytics.survey",
    "count_switches": "cjmlib.analytics.switches",
    "count_themes": "cjmlib.analytics.feedback_text",
    "describe_clusters": "cjmlib.analytics.personas",
    "directly_follows": "cjmlib.analytics.lived",
    "draft_personas": "cjmlib.analytics.personas",
    "drop_identifiers": "cjmlib.analytics.privacy",
    "emotion_from_survey": "cjmlib.analytics.survey",
    "explain_report": "cjmlib.analytics.events",
    "explain_sample_size": "cjmlib.analytics.experiments",
    "find_moments_of_truth": "cjmlib.analytics.moments",
    "first_last_touch": "cjmlib.analytics.touches",
    "funnel": "cjmlib.analytics.funnels",
    "hidden_touchpoints": "cjmlib.analytics.lived",
    "journey_variants": "cjmlib.analytics.lived",
    "load_events": "cjmlib.analytics.events",
    "make_shareable": "cjmlib.analytics.privacy",
    "map_events": "cjmlib.analytics.events",
    "pseudonymise": "cjmlib.analytics.privacy",
    "retention_by_cohort": "cjmlib.analytics.retention",
    "revisit_first": "cjmlib.analytics.verification",
    "revisit_table": "cjmlib.analytics.verification",
    "sample_size": "cjmlib.analytics.experiments",
    "scan_events": "cjmlib.analytics.scan",
    "score_needs": "cjmlib.analytics.needs",
    "suppress_small_groups": "cjmlib.analytics.privacy",
    "survey_metrics": "cjmlib.analytics.survey",
    "survey_trend": "cjmlib.analytics.survey",
    "tag_feedback": "cjmlib.analytics.feedback_text",
    "time_between_steps": "cjmlib.analytics.paths",
    "top_paths": "cjmlib.analytics.paths",
    "transition_matrix": "cjmlib.analytics.paths",
    "validate_events": "cjmlib.analytics.events",
    "verification_table": "cjmlib.analytics.verification",
    "verify_map": "cjmlib.analytics.verification",
}

__all__ = [
    "ABTestResult",
    "EventLog",
    "ab_test",
    "build_customer_features",
    "claim_statuses",
    "cluster_customers",
    "cluster_stability",
    "compare_design",
    "compare_segments",
    "compare_switchers",
    "compare_verifications",
    "compute_ces",
    "compute_csat",
    "compute_nps",
    "count_switches",
    "count_themes",
    "describe_clusters",
    "directly_follows",
    "draft_personas",
    "drop_identifiers",
    "emotion_from_survey",
    "explain_report",
    "explain_sample_size",
    "find_moments_of_truth",
    "first_last_touch",
    "funnel",
    "hidden_touchpoints",
    "journey_variants",
    "load_events",
    "make_shareable",
    "map_events",
    "pseudonymise",
    "retention_by_cohort",
    "revisit_first",
    "revisit_table",
    "sample_size",
    "scan_events",
    "score_needs",
    "suppress_small_groups",
    "survey_metrics",
    "survey_trend",
    "tag_feedback",
    "time_between_steps",
    "top_paths",
    "transition_matrix",
    "validate_events",
    "verification_table",
    "verify_map",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cjmlib.analytics' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
