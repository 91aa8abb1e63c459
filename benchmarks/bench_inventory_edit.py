"""How long does one edit in a 500-touchpoint inventory take, in the kernel?

Times the path a trainee triggers with one click: change a field of the selected
touchpoint, click "Speichern" -> validate -> save the workbook atomically (with its
version copy) -> the workbook's change listeners redraw the table page, the selector
and the phase × channel overview (the altair heatmap when ``cjmlib.charts`` is there).
The browser's own rendering is not included. Goal: median < 200 ms.

Run: ``.venv/bin/python benchmarks/bench_inventory_edit.py [--edits 30] [--touchpoints 500]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from cjmlib.model import CHANNELS
from cjmlib.widgets import TouchpointInventory
from cjmlib.workbook import Workbook


def build(folder: Path, n: int) -> Workbook:
    wb = Workbook.open(folder / "bench.cjm.json")
    phases = wb.phase_model.ids
    wb.touchpoints.add_many(
        {
            "name": f"Touchpoint {i:03d}",
            "phase": phases[i % len(phases)],
            "channel": CHANNELS[i % len(CHANNELS)],
            "online": i % 3 != 0,
            "relevance": 1 + i % 5,
            "emotion": (i % 5) - 2,
            "notes": "Beobachtung aus dem Workshop",
        }
        for i in range(n)
    )
    return wb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--touchpoints", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wb = build(Path(tmp), args.touchpoints)
        start = time.perf_counter()
        try:
            import cjmlib.charts  # noqa: F401 - the one-off import is not part of an edit
        except ImportError:
            pass
        charts_import = time.perf_counter() - start
        start = time.perf_counter()
        inventory = TouchpointInventory(wb)
        first_draw = time.perf_counter() - start
        ids = wb.touchpoints.ids()
        mode = "Diagramm" if inventory.overview.chart is not None else "Tabelle"

        timings, by_kind = [], {}
        kinds = ("relevance", "phase", "moment_of_truth")
        for k in range(args.edits):
            inventory.select(ids[(k * 37) % len(ids)])  # choosing is not part of the edit
            kind = kinds[k % len(kinds)]
            before = wb.revision
            start = time.perf_counter()
            if kind == "relevance":
                inventory.form["relevance"].value = 1 + (inventory.form["relevance"].value % 5)
                inventory.save_button.click()
            elif kind == "phase":
                phases = wb.phase_model.ids
                current = inventory.form["phase"].value
                inventory.form["phase"].value = phases[(phases.index(current) + 1) % len(phases)]
                inventory.save_button.click()
            else:
                inventory.mot_button.click()
            timings.append((time.perf_counter() - start) * 1000)
            by_kind.setdefault(kind, []).append(timings[-1])
            assert wb.revision == before + 1, inventory.error or inventory.status.message

        timings.sort()
        p90 = timings[max(0, round(0.9 * len(timings)) - 1)]
        print(f"Touchpoints: {args.touchpoints}, Änderungen: {args.edits}, Überblick als {mode}")
        print(f"Import von cjmlib.charts (einmal je Kernel): {charts_import * 1000:.0f} ms")
        print(f"Erster Aufbau des Inventars: {first_draw * 1000:.0f} ms")
        print(
            f"Eine Änderung bis gespeichert und neu gezeichnet: "
            f"Median {statistics.median(timings):.0f} ms, p90 {p90:.0f} ms, "
            f"min {timings[0]:.0f} ms, max {timings[-1]:.0f} ms (Ziel: Median < 200 ms)"
        )
        labels = {
            "relevance": "Relevanz (Überblick unverändert)",
            "phase": "Phase (Überblick neu gezeichnet)",
            "moment_of_truth": "Moment der Wahrheit per Knopf",
        }
        for kind, values in by_kind.items():
            print(
                f"  {labels[kind]}: Median {statistics.median(values):.0f} ms, "
                f"max {max(values):.0f} ms ({len(values)}×)"
            )


if __name__ == "__main__":
    main()
