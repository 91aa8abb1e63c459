"""Write ``chapters/Glossar.ipynb`` from the glossary in the message catalogue.

Usage::

    python tools/glossary.py write   # (re)generate the notebook
    python tools/glossary.py check   # exit 1 when the notebook is not current

The notebook is generated, never edited by hand: the terms live in
``cjmlib/messages/de/glossary.toml`` (content is data).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from cjmlib.content import glossary_markdown
from cjmlib.messages import set_language

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "chapters" / "Glossar.ipynb"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def build() -> str:
    """The notebook's text (nbformat 4.5, stable cell ids ``glossar-00``, ...)."""
    set_language("de")
    nb = nbformat.v4.new_notebook()
    nb.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    )
    for i, text in enumerate(glossary_markdown()):
        cell = nbformat.v4.new_markdown_cell(text)
        cell["id"] = f"glossar-{i:02d}"
        nb.cells.append(cell)
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["write", "check"])
    args = parser.parse_args(argv)
    text = build()
    if args.command == "write":
        NOTEBOOK.write_text(text, encoding="utf-8")
        print(f"written {NOTEBOOK.relative_to(ROOT)}")
        return 0
    if not NOTEBOOK.exists() or NOTEBOOK.read_text(encoding="utf-8") != text:
        print(f"{NOTEBOOK.relative_to(ROOT)} is not current: run python tools/glossary.py write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
