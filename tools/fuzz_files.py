"""Fuzz every importer and hand-edited workbook files with 10,000 inputs per target.

    .venv/bin/python tools/fuzz_files.py            # 10,000 inputs per target
    .venv/bin/python tools/fuzz_files.py --count 500 --target csv

For each input the real entry points run (``import_touchpoints``/``import_personas`` for
CSV, Excel "Unicode-Text" and Excel files; ``Workbook.open``, editing, snapshots,
``Workbook.recover`` for workbook files, also as the newest kept version beside a broken
main file). Every outcome is counted: success, a German ``CJMError``, a raw exception
(anything else) or a German message carrying English library/OS text. The targets and
input generators are those of ``tests/test_files_fuzz.py`` (``tests/_fuzz_targets.py``);
the suite runs a few hundred inputs, this script the full count. fsync is skipped here
(durability is tested elsewhere; it would only make the run slower).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _fuzz_targets import (
    EnglishText,
    RawException,
    check_import,
    check_workbook,
    csv_bytes,
    workbook_bytes,
    xlsx_bytes,
)

from cjmlib.messages import set_language

TARGETS = {
    "csv": (csv_bytes(), check_import, "CSV / Unicode-Text import (touchpoints + personas)"),
    "xlsx": (xlsx_bytes(), check_import, "Excel import (touchpoints + personas)"),
    "workbook": (workbook_bytes(), check_workbook, "hand-edited workbook file"),
}


def run(name: str, count: int) -> dict[str, object]:
    strategy, check, title = TARGETS[name]
    counts: collections.Counter[str] = collections.Counter()
    examples: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def fuzz(data: object) -> None:
        counts["inputs"] += 1
        try:
            counts[check(data)] += 1
        except RawException as exc:
            counts["raw_exception"] += 1
            if len(examples) < 5:
                examples.append(f"raw: {exc}")
        except EnglishText as exc:
            counts["english_text"] += 1
            if len(examples) < 5:
                examples.append(f"english: {exc}")

    started = time.monotonic()
    fuzz()
    return {
        "target": title,
        "inputs": counts["inputs"],
        "ok": counts["ok"],
        "german_error": counts["german_error"],
        "raw_exception": counts["raw_exception"],
        "english_text": counts["english_text"],
        "seconds": round(time.monotonic() - started, 1),
        "examples": examples,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--target", choices=sorted(TARGETS), action="append")
    args = parser.parse_args()
    set_language("de")
    os.fsync = lambda fd: None  # type: ignore[assignment]  # see the module docstring
    bad = 0
    for name in args.target or list(TARGETS):
        result = run(name, args.count)
        bad += int(result["raw_exception"]) + int(result["english_text"])  # type: ignore[call-overload]
        print(
            f"{name:9s} {result['target']}: {result['inputs']} inputs, {result['ok']} ok, "
            f"{result['german_error']} German errors, raw exceptions {result['raw_exception']}, "
            f"English in messages {result['english_text']} ({result['seconds']} s)",
            flush=True,
        )
        for example in result["examples"]:  # type: ignore[attr-defined]
            print("    " + example[:300])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
