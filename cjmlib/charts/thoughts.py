"""The journey map's scenario line and thoughts lane (two elements of an NN/g journey map).

- The **scenario line** above the map says from which situation the journey starts and
  what the persona expects of it (``JourneyProject.scenario``).
- The **thoughts lane** below the touchpoints shows, phase by phase, what the persona
  thinks at a touchpoint (``Touchpoint.thought``), in quotation marks, wrapped to the
  width of the phase column. Moments of truth come first, then the most relevant
  touchpoints; a fuller cell ends with "+k weitere …".

Both are separate panels that :func:`cjmlib.charts.journey_map_chart` stacks into its
vertical concatenation. Each function returns a list with no panel at all when there is
nothing to show, so a map without scenario and thoughts looks as it did before.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from cjmlib.charts import _lanes
from cjmlib.charts._common import clean, fit_text, wrap_text
from cjmlib.messages import t
from cjmlib.model import JourneyProject, Touchpoint

LINE_STEP = 15  # pixels per text line in the thoughts lane and the scenario line
FONT = 11
TEXT_X = 8  # left padding of a thought inside its phase column
MAX_LINES_PER_THOUGHT = 3
LABEL_WIDTH = 90  # pixels for "Situation" / "Erwartung" in the scenario line


def _quoted(text: str) -> str:
    return f"„{clean(text, 300)}“"


def scenario_panels(project: JourneyProject, width: int) -> list[alt.LayerChart]:
    """The scenario line as one text panel ``width`` pixels wide; ``[]`` without a scenario."""
    scenario = project.scenario
    if scenario.is_empty:
        return []
    rows: list[dict[str, object]] = []
    for key, text in (
        ("charts.map.scenario_situation", scenario.situation),
        ("charts.map.scenario_expectation", scenario.expectation),
    ):
        if not text:
            continue
        lines = wrap_text(clean(text, 600), width - LABEL_WIDTH - 12, FONT + 1)
        for i, line in enumerate(lines[:3]):
            rows.append({"row": len(rows), "label": t(key) if i == 0 else "", "text": line})
    data = pd.DataFrame(rows)
    y = alt.Y("row:O", axis=None)
    base = alt.Chart(data).encode(y=y)
    label = base.mark_text(
        align="left", baseline="middle", fontSize=FONT + 1, fontWeight="bold", color="#333333"
    ).encode(x=alt.value(0), text="label:N")
    body = base.mark_text(
        align="left", baseline="middle", fontSize=FONT + 1, color="#222222"
    ).encode(x=alt.value(LABEL_WIDTH), text="text:N")
    return [
        alt.LayerChart(
            layer=[label, body],
            width=width,
            height=alt.Step(LINE_STEP + 2),
            view=alt.ViewBackground(stroke=None),
            title=alt.Title(t("charts.map.panel_scenario"), fontSize=14, anchor="start", offset=6),
        )
    ]


def thoughts_frame(
    project: JourneyProject, touchpoints: list[Touchpoint], colw: int, *, max_per_cell: int = 3
) -> pd.DataFrame:
    """One row per text line of the thoughts lane: phase, slot, text, first line or not."""
    pm = project.phase_model
    lane = t("charts.map.lane_thoughts")
    by_phase: dict[str, list[Touchpoint]] = {}
    for tp in touchpoints:
        if tp.thought:
            by_phase.setdefault(tp.phase, []).append(tp)
    cells: dict[str, list[dict[str, object]]] = {}
    for phase_id, tps in by_phase.items():
        tps.sort(key=lambda tp: (not tp.moment_of_truth, -tp.relevance))
        shown = tps if len(tps) <= max_per_cell else tps[: max(max_per_cell - 1, 1)]
        lines: list[dict[str, object]] = []
        for tp in shown:
            wrapped = wrap_text(_quoted(tp.thought), colw - TEXT_X - 8, FONT)
            if len(wrapped) > MAX_LINES_PER_THOUGHT:
                last = wrapped[MAX_LINES_PER_THOUGHT - 1] + " …"
                wrapped = [
                    *wrapped[: MAX_LINES_PER_THOUGHT - 1],
                    fit_text(last, colw - TEXT_X - 8, FONT),
                ]
            for i, line in enumerate(wrapped):
                lines.append(
                    {
                        "text": line,
                        "first": i == 0,
                        "thought": clean(tp.thought, 300),
                        "touchpoint": clean(tp.name, 120),
                    }
                )
        rest = tps[len(shown) :]
        if rest:
            lines.append(
                {
                    "text": t("charts.map.more", count=len(rest)),
                    "first": True,
                    "thought": "; ".join(clean(tp.thought, 120) for tp in rest),
                    "touchpoint": "; ".join(clean(tp.name, 60) for tp in rest),
                }
            )
        cells[clean(pm.name_of(phase_id))] = lines
    rows_needed = max((len(lines) for lines in cells.values()), default=0)
    slots = [_lanes.slot_key(0, r, lane) for r in range(rows_needed)]
    records = [
        {"phase": phase, "slot": slots[r], **line}
        for phase, lines in cells.items()
        for r, line in enumerate(lines)
    ]
    columns = ["phase", "slot", "text", "first", "thought", "touchpoint"]
    return pd.DataFrame(records, columns=columns)


def thought_panels(
    project: JourneyProject,
    touchpoints: list[Touchpoint],
    x: alt.X,
    y: alt.Y,
    colw: int,
    n_phases: int,
) -> list[alt.LayerChart]:
    """The thoughts lane on the map's phase axis ``x`` and lane axis ``y`` (on ``slot``).

    Returns ``[]`` when no touchpoint has a thought.
    """
    frame = thoughts_frame(project, touchpoints, colw)
    if frame.empty:
        return []
    tooltip = [
        alt.Tooltip("thought:N", title=t("charts.map.tt_thought")),
        alt.Tooltip("touchpoint:N", title=t("charts.map.tt_touchpoint")),
        alt.Tooltip("phase:N", title=t("charts.common.phase")),
    ]
    base = alt.Chart(frame).encode(x=x, y=y, text="text:N", tooltip=tooltip)
    first = base.transform_filter("datum.first").mark_text(
        align="left",
        baseline="middle",
        fontSize=FONT,
        fontStyle="italic",
        xOffset=TEXT_X,
        color="#222222",
    )
    # Continuation lines sit a little further right, so each thought reads as one block.
    rest = base.transform_filter("!datum.first").mark_text(
        align="left",
        baseline="middle",
        fontSize=FONT,
        fontStyle="italic",
        xOffset=TEXT_X + 6,
        color="#222222",
    )
    return [
        alt.LayerChart(
            layer=[first, rest],
            width=colw * n_phases,
            height=alt.Step(LINE_STEP),
            title=alt.Title(t("charts.map.panel_thoughts"), fontSize=14, anchor="start", offset=6),
        )
    ]
