"""Place items (touchpoints, pain points, ...) in the rows of a lane × phase grid.

Every lane gets as many rows as its fullest phase cell needs (at most ``max_per_cell``);
a fuller cell shows its first items and a "+k weitere" row. The y field is a sortable
slot key ``"LLL|R|lane"`` whose axis label shows the lane name on the lane's first row.
"""

from __future__ import annotations

import pandas as pd

from cjmlib.messages import t

#: Vega expression for the y-axis labels: the lane name on the lane's first row only.
LANE_LABEL_EXPR = "split(datum.label, '|')[1] == '0' ? split(datum.label, '|')[2] : ''"


def slot_key(lane_index: int, row: int, lane: str) -> str:
    return f"{lane_index:03d}|{row}|{lane.replace('|', '/')}"


def place(
    items: pd.DataFrame, lanes: list[str], *, max_per_cell: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Give every shown item a ``slot``; return (shown items, overflow rows, slot order).

    ``items`` needs the columns ``lane``, ``phase``, ``name`` and ``order`` (lower shows
    first). Plain Python on the records: a few hundred items, many tiny groups.
    """
    max_per_cell = max(int(max_per_cell), 1)
    cells: dict[str, dict[str, list[dict]]] = {}
    for rec in items.to_dict("records"):
        cells.setdefault(rec["lane"], {}).setdefault(rec["phase"], []).append(rec)
    shown: list[dict] = []
    overflow: list[dict[str, object]] = []
    slots: list[str] = []
    for li, lane in enumerate(lanes):
        by_phase = cells.get(lane)
        if not by_phase:
            continue
        rows = min(max(len(c) for c in by_phase.values()), max_per_cell)
        keys = [slot_key(li, r, lane) for r in range(rows)]
        slots.extend(keys)
        for phase, cell in by_phase.items():
            cell = sorted(cell, key=lambda r: r["order"])
            keep = len(cell) if len(cell) <= rows else rows - 1
            for r, rec in enumerate(cell[:keep]):
                shown.append({**rec, "slot": keys[r]})
            if len(cell) > keep:
                rest = cell[keep:]
                names = "; ".join(r["name"] for r in rest[:12])
                overflow.append(
                    {
                        "phase": phase,
                        "slot": keys[rows - 1],
                        "label": t("charts.map.more", count=len(rest)),
                        "name": names + (" …" if len(rest) > 12 else ""),
                    }
                )
    columns = [*items.columns, "slot"]
    return (
        pd.DataFrame(shown, columns=columns),
        pd.DataFrame(overflow, columns=["phase", "slot", "label", "name"]),
        slots,
    )
