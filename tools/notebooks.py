"""Keep the course notebooks reviewable in git: no outputs, stable cell ids, no code defs.

Usage::

    python tools/notebooks.py normalise chapters/*.ipynb   # rewrite in place
    python tools/notebooks.py check chapters/*.ipynb       # exit 1 and list problems

``normalise`` strips outputs, execution counts and volatile metadata (widget state,
timings, the kernel's Python version), sets nbformat 4.5 and gives every cell without an
id a stable, readable one (``k04-md-03``; the prefix comes from the file name).

``check`` reports outputs, execution counts, missing, invalid or duplicate ids, files
that ``normalise`` would change, and, for notebooks in a ``chapters/`` folder (or with
``--no-defs``), any ``def``, ``class`` or ``lambda`` in a code cell: chapters narrate,
``cjmlib`` computes.

The command line is a thin layer over :func:`normalise_notebook` and
:func:`check_notebook`, which the tests import.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

ID_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# Cell metadata worth keeping; everything else (execution timings, scroll state, ...) goes.
KEEP_CELL_METADATA = ("tags", "nbgrader", "editable", "deletable", "slideshow")
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
CELL_ABBREVIATIONS = {"markdown": "md", "code": "code", "raw": "raw"}


def id_prefix(path: Path) -> str:
    """The id prefix of a notebook: ``k04`` for ``04_Touchpoints.ipynb``, else its slug."""
    match = re.match(r"^(\d{1,3})[_-]", path.name)
    if match:
        return f"k{int(match.group(1)):02d}"
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug[:40] or "nb"


def _read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as it is on disk.

    ``nbformat.read`` silently replaces duplicate cell ids by random ones; we read the
    JSON ourselves so that ``check`` can report them and ``normalise`` can give readable
    ones instead.
    """
    text = path.read_text(encoding="utf-8")
    if json.loads(text).get("nbformat") != 4:
        return nbformat.reads(text, as_version=4)
    return nbformat.v4.reads(text)  # joins the source lines, does not validate


def _normalised(nb: nbformat.NotebookNode, prefix: str) -> nbformat.NotebookNode:
    """Return a normalised deep copy of ``nb``."""
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, max(int(nb.get("nbformat_minor", 0)), 5)
    meta = {k: v for k, v in nb.metadata.items() if k in KEEP_NOTEBOOK_METADATA}
    meta["kernelspec"] = dict(KERNELSPEC)
    # The interpreter version in language_info changes with every machine: keep the name only.
    meta["language_info"] = {"name": "python"}
    nb.metadata = nbformat.from_dict(meta)
    used: set[str] = set()
    for cell in nb.cells:
        # Keep the first of repeated or invalid ids only; the others get new ones below.
        cell_id = cell.get("id")
        if cell_id and ID_PATTERN.match(cell_id) and cell_id not in used:
            used.add(cell_id)
        else:
            cell.pop("id", None)
    counters: dict[str, int] = {}
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA}
        )
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            if cell.cell_type == "markdown" and not cell.get("attachments"):
                cell.pop("attachments", None)
        if not cell.get("id"):
            kind = CELL_ABBREVIATIONS.get(cell.cell_type, cell.cell_type)
            while True:
                counters[kind] = counters.get(kind, 0) + 1
                candidate = f"{prefix}-{kind}-{counters[kind]:02d}"
                if candidate not in used:
                    break
            cell.id = candidate
            used.add(candidate)
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def normalise_notebook(path: str | Path) -> bool:
    """Normalise the notebook at ``path`` in place; return whether the file changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = _normalised(_read(path), id_prefix(path))
    after = _text(nb)
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def _code_without_magics(source: str) -> str:
    """Drop IPython magics and shell lines so the rest parses as Python."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append("" if stripped.startswith(("%", "!", "?")) else line)
    return "\n".join(lines)


def forbidden_constructs(source: str) -> list[str]:
    """Names of the ``def``/``class``/``lambda`` constructs in ``source`` (with line numbers)."""
    try:
        tree = ast.parse(_code_without_magics(source))
    except SyntaxError as exc:
        return [f"syntax error in line {exc.lineno}: {exc.msg}"]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(f"def {node.name} (line {node.lineno})")
        elif isinstance(node, ast.ClassDef):
            found.append(f"class {node.name} (line {node.lineno})")
        elif isinstance(node, ast.Lambda):
            found.append(f"lambda (line {node.lineno})")
    return found


def is_chapter(path: Path) -> bool:
    """Chapters live in a folder named ``chapters``."""
    return path.resolve().parent.name == "chapters"


def check_notebook(path: str | Path, *, no_defs: bool | None = None) -> list[str]:
    """Return the problems of the notebook at ``path`` (an empty list when it is clean)."""
    path = Path(path)
    no_defs = is_chapter(path) if no_defs is None else no_defs
    problems: list[str] = []
    try:
        nb = _read(path)
    except Exception as exc:  # unreadable JSON or not a notebook
        return [f"cannot read notebook: {exc}"]
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        problems.append(f"nbformat {nb.nbformat}.{nb.nbformat_minor}: 4.5 expected (cell ids)")
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        where = f"cell {index} ({cell.get('id') or 'no id'})"
        cell_id = cell.get("id")
        if not cell_id:
            problems.append(f"{where}: missing id")
        elif not ID_PATTERN.match(cell_id):
            problems.append(f"{where}: invalid id {cell_id!r}")
        elif cell_id in seen:
            problems.append(f"{where}: id {cell_id!r} repeats cell {seen[cell_id]}")
        else:
            seen[cell_id] = index
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{where}: has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(f"{where}: execution_count {cell.execution_count}")
        if no_defs:
            problems.extend(f"{where}: {found}" for found in forbidden_constructs(cell.source))
    if not problems:
        expected = _text(_normalised(nb, id_prefix(path)))
        if path.read_text(encoding="utf-8") != expected:
            problems.append(
                "not normalised (volatile metadata or formatting): run "
                "`python tools/notebooks.py normalise`"
            )
    return problems


def _expand(paths: Iterable[str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        found.extend(sorted(path.rglob("*.ipynb")) if path.is_dir() else [path])
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="notebooks.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    norm = sub.add_parser("normalise", help="strip outputs and metadata, assign missing ids")
    norm.add_argument("paths", nargs="+", help="notebooks or folders")
    chk = sub.add_parser("check", help="report outputs, id problems and code defs")
    chk.add_argument("paths", nargs="+", help="notebooks or folders")
    chk.add_argument(
        "--no-defs", action="store_true", help="forbid def/class/lambda also outside chapters/"
    )
    args = parser.parse_args(argv)
    paths = _expand(args.paths)
    if args.command == "normalise":
        for path in paths:
            print(f"{'normalised' if normalise_notebook(path) else 'unchanged '} {path}")
        return 0
    failed = 0
    for path in paths:
        problems = check_notebook(path, no_defs=True if args.no_defs else None)
        for problem in problems:
            print(f"{path}: {problem}")
        failed += bool(problems)
    print(f"{len(paths) - failed} of {len(paths)} notebook(s) clean")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
