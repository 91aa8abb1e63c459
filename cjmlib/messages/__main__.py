"""``python -m cjmlib.messages [--out FOLDER]``: compile the message catalogues.

``make`` runs it after installing; see :func:`cjmlib.messages.compile_catalogues`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cjmlib.messages import compile_catalogues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compile the message catalogues to JSON.")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: the package)")
    args = parser.parse_args(argv)
    for path in compile_catalogues(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
