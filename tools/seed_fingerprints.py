"""Fingerprints of the seed documents, so tests can spot copied sentences without the seeds.

Usage::

    python tools/seed_fingerprints.py /work/shared/seeds   # writes tests/data/seed_shingles.txt

The seeds' facts are ours, their sentences are not: the course must write every text
afresh. The file holds a short hash of every run of ``N`` consecutive words of the
seeds (lower case, punctuation removed), never the words themselves, so the repository
does not carry the seeds' sentences. ``shingles()`` is shared with the tests.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path

N = 6
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "seed_shingles.txt"
_WORD = re.compile(r"[a-z0-9äöüß]+")


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, without punctuation."""
    return _WORD.findall(text.casefold())


def shingles(text: str, n: int = N) -> set[str]:
    """Hashes of every run of ``n`` consecutive words of ``text``."""
    ws = words(text)
    return {
        hashlib.sha1(" ".join(ws[i : i + n]).encode("utf-8")).hexdigest()[:12]
        for i in range(len(ws) - n + 1)
    }


def fingerprint(texts: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        found |= shingles(text)
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    folder = Path(argv[0])
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    hashes = sorted(fingerprint(texts))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        f"# {N}-word shingles of {len(texts)} seed documents (sha1, first 12 hex digits)\n"
        + "\n".join(hashes)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(hashes)} fingerprints written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
