"""Benchmark: a journey map with 200 touchpoints rendered to PNG (goal: under 2 s).

Run: ``.venv/bin/python benchmarks/bench_map_png.py`` – prints the figures, asserts nothing.
Wall-clock time depends on what else runs on the machine; CPU time (this process, all
threads) is printed beside it as the steadier figure.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from cjmlib.charts import journey_map_chart
from cjmlib.io.images import chart_bytes, save_chart
from cjmlib.model import CHANNELS, DEPARTMENTS, JourneyProject, PainPoint, Persona, Touchpoint


def project(n: int = 200, seed: int = 1) -> JourneyProject:
    rnd = random.Random(seed)
    phases = JourneyProject().phase_model.ids
    personas = [Persona(id=f"per-{i}", name=f"Persona {i}") for i in range(4)]
    tps = [
        Touchpoint(
            id=f"tp-{i}",
            name=f"Touchpoint {i} mit einem längeren Namen",
            phase=rnd.choice(phases),
            channel=rnd.choice(CHANNELS),
            online=rnd.random() < 0.6,
            emotion=rnd.randint(-2, 2),
            relevance=rnd.randint(1, 5),
            moment_of_truth=rnd.random() < 0.1,
            department=rnd.choice(DEPARTMENTS),
            persona_ids=rnd.choice([[], ["per-0"], ["per-1", "per-2"]]),
        )
        for i in range(n)
    ]
    pains = [
        PainPoint(id=f"pp-{i}", title=f"Pain Point {i}", touchpoint_ids=[f"tp-{i}"])
        for i in range(30)
    ]
    return JourneyProject(
        name=f"Benchmark ({n} Touchpoints)", personas=personas, touchpoints=tps, pain_points=pains
    )


def measure(p: JourneyProject, *, backstage: bool, scale: float, repeats: int) -> dict:
    rows: dict[str, list[float]] = {
        "build": [],
        "to_dict": [],
        "render": [],
        "total": [],
        "cpu": [],
    }
    png = b""
    spec: dict = {}
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        chart = journey_map_chart(p, backstage=backstage)
        t1 = time.perf_counter()
        spec = chart.to_dict()
        t2 = time.perf_counter()
        png = chart_bytes(spec, "png", scale=scale)
        t3 = time.perf_counter()
        rows["cpu"].append(time.process_time() - c0)
        rows["build"].append(t1 - t0)
        rows["to_dict"].append(t2 - t1)
        rows["render"].append(t3 - t2)
        rows["total"].append(t3 - t0)
    result = {k: statistics.median(v) for k, v in rows.items()}
    result["max_total"] = max(rows["total"])
    result["spec_kb"] = len(json.dumps(spec)) / 1024
    result["png_kb"] = len(png) / 1024
    return result


def main(repeats: int = 5) -> None:
    p = project()
    chart_bytes(journey_map_chart(p), "png")  # warm-up: starts the JavaScript engine once
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"journey map with {len(p.touchpoints)} touchpoints to PNG, median of {repeats} runs "
        f"(load average {load:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"{'variant':34s} {'build':>6s} {'to_dict':>8s} {'render':>7s} {'total':>6s} "
        f"{'max':>6s} {'CPU':>6s} {'spec':>7s} {'PNG':>8s}"
    )
    for backstage, scale in ((False, 1.0), (False, 2.0), (True, 2.0)):
        r = measure(p, backstage=backstage, scale=scale, repeats=repeats)
        name = f"{'with' if backstage else 'without'} backstage, scale {scale:g}"
        print(
            f"{name:34s} {r['build']:6.2f} {r['to_dict']:8.2f} {r['render']:7.2f} "
            f"{r['total']:6.2f} {r['max_total']:6.2f} {r['cpu']:6.2f} "
            f"{r['spec_kb']:5.0f}kB {r['png_kb']:6.0f}kB"
        )
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        out = save_chart(journey_map_chart(p), Path(folder) / "karte.png")
        print(
            f"save_chart(journey_map_chart(p), 'karte.png'): {time.perf_counter() - t0:.2f} s, "
            f"{out.stat().st_size / 1024:.0f} kB (goal < 2 s)"
        )


if __name__ == "__main__":
    main()
