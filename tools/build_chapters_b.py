"""Write chapters 07-12 of the course from their sources in ``tools/chapters_b/``.

Usage::

    python tools/build_chapters_b.py            # (re)write chapters/07_*.ipynb ... 12_*.ipynb

Each source file is plain text: a line ``%% md <id>`` or ``%% code <id>`` starts a cell,
everything up to the next such line is its source. The cell id becomes ``k<nn>-<id>``.
The notebooks are written without outputs; ``tools/notebooks.py normalise`` keeps
them that way after editing in JupyterLab.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = Path(__file__).parent / "chapters_b"
TARGET = ROOT / "chapters"
MARKER = re.compile(r"^%% (md|code) ([a-z0-9-]+)\s*$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse(text: str, prefix: str) -> list[nbformat.NotebookNode]:
    """Split a source file into notebook cells."""
    cells: list[nbformat.NotebookNode] = []
    kind, cid, lines = None, None, []

    def flush() -> None:
        if kind is None:
            return
        source = "\n".join(lines).strip("\n")
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = make(source)
        cell.id = f"{prefix}-{cid}"
        cells.append(cell)

    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            flush()
            kind, cid, lines = m.group(1), m.group(2), []
        else:
            lines.append(line)
    flush()
    return cells


def ruff_format(code: str) -> str:
    """Format one code cell the way ``ruff format`` formats notebooks (project config)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", "cell.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return result.stdout.rstrip("\n")


def build(source: Path) -> Path:
    """Write the notebook for one source file and return its path."""
    number = int(source.name[:2])
    nb = nbformat.v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict(
        {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    )
    nb.cells = parse(source.read_text(encoding="utf-8"), f"k{number:02d}")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = ruff_format(cell.source)
    ids = [c.id for c in nb.cells]
    if len(ids) != len(set(ids)):
        raise SystemExit(f"{source.name}: duplicate cell ids")
    nbformat.validate(nb)
    target = TARGET / f"{source.stem}.ipynb"
    text = nbformat.writes(nb)
    target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    sources = sorted(SOURCES.glob("*.txt"))
    if argv:
        sources = [s for s in sources if any(a in s.name for a in argv)]
    for source in sources:
        print(build(source).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
