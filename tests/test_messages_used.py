"""Every key of the message catalogue is used: a text nobody shows is a text nobody checks.

A key counts as used when the library, the chapters, the course or the tools name it:

- as a string literal (``t("io.bad_bool", ...)``, ``title_key = "widgets.x.title"``);
- through an f-string whose fixed parts fit it, each ``{...}`` standing for one dotted
  part or a piece of one (``t(f"living_map.claim.{kind}")`` uses every
  ``living_map.claim.<kind>``); an f-string ending in a dot reads every key below it
  (``f"chapter.{key}.quiz."`` for the knowledge checks);
- through a plain prefix literal ending in a dot (``_entries("glossary.")``);
- anywhere in the text of a notebook's Markdown, a data or a configuration file.

The files are read as Python syntax trees, not as text, so a key that only stands in a
comment or a docstring does not count. A key that is kept on purpose without a use goes
into ``KEPT`` with the reason.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path

import cjmlib.messages as messages

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(messages.__file__).parent
#: Where a key may be used.
SOURCES = ("cjmlib", "chapters", "course", "tools")
#: Files besides Python and notebooks that may name a key (data, configuration, docs).
TEXT_SUFFIXES = {".toml", ".yaml", ".yml", ".json", ".md", ".cfg", ".txt", ".html", ".j2"}
#: Keys kept although nothing names them, with the reason.
KEPT: dict[str, str] = {}


class _Uses:
    """The literals, f-string patterns and free text of the sources."""

    def __init__(self) -> None:
        self.literals: set[str] = set()
        self.patterns: set[str] = set()
        self.text: list[str] = []

    def add_python(self, source: str) -> bool:
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a notebook cell with a magic (%pip, !ls): read as text
            return False
        # Parts of f-strings are read as patterns; a string standing alone as a statement
        # is a docstring (or a comment in disguise), not a use. One walk over the tree.
        not_literals: set[int] = set()
        strings: list[ast.Constant] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                not_literals.update(id(part) for part in node.values)
                self.patterns.add(
                    "".join(
                        re.escape(part.value) if isinstance(part, ast.Constant) else r"\w+"
                        for part in node.values
                    )
                )
            elif isinstance(node, ast.Expr):
                not_literals.add(id(node.value))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.append(node)
        self.literals.update(n.value for n in strings if id(n) not in not_literals)
        return True

    def add_file(self, path: Path) -> None:
        if path.suffix == ".py":
            if not self.add_python(path.read_text(encoding="utf-8")):
                self.text.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".ipynb":
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                source = "".join(cell["source"])
                if cell["cell_type"] != "code" or not self.add_python(source):
                    self.text.append(source)
        elif path.suffix in TEXT_SUFFIXES:
            self.text.append(path.read_text(encoding="utf-8", errors="replace"))


def _is_catalogue(path: Path) -> bool:
    return path.parent.parent == CATALOGUE or "_compiled" in path.parts


@functools.cache
def _uses() -> _Uses:
    """Read once per test run (the files do not change while the tests run)."""
    uses = _Uses()
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not _is_catalogue(path):
                uses.add_file(path)
    return uses


def unused_keys(keys: set[str], uses: _Uses) -> list[str]:
    """The keys that no literal, f-string, prefix or text of ``uses`` names."""
    text = "\n".join(uses.text)
    prefixes = tuple(lit for lit in uses.literals if re.fullmatch(r"[a-z][a-z0-9_.]*\.", lit))
    # An f-string counts only where its fixed parts say something: f"{a}{b}" fits anything.
    patterns = [
        re.compile(p) for p in uses.patterns if re.search(r"[A-Za-z]\\?\.", p.replace(r"\w+", ""))
    ]

    def used(key: str) -> bool:
        if key in uses.literals or key.startswith(prefixes):
            return True
        for pattern in patterns:
            match = pattern.match(key)
            if match and (match.end() == len(key) or pattern.pattern.endswith(r"\.")):
                return True
        return key in text  # the slowest check last

    return sorted(k for k in keys if not used(k))


def test_every_key_in_the_catalogue_is_used_or_kept_with_a_reason():
    keys = set(messages.parse_catalogue("de"))
    unused = [k for k in unused_keys(keys, _uses()) if k not in KEPT]
    assert unused == [], "message keys nothing in cjmlib/, chapters/, course/, tools/ uses"


def test_kept_keys_exist_and_are_still_unused():
    """The list of kept keys does not rot: a key it names exists, and is not used after all."""
    keys = set(messages.parse_catalogue("de"))
    assert sorted(k for k in KEPT if k not in keys) == []
    assert sorted(set(KEPT) - set(unused_keys(set(KEPT), _uses()))) == []


def test_the_usage_check_sees_literals_fstrings_and_prefixes_but_not_comments():
    """The check itself can fail: what it counts as a use, and what it does not."""
    uses = _Uses()
    uses.add_python(
        "from cjmlib.messages import t\n"
        "# t('demo.only_in_a_comment')\n"
        "def f(kind, key):\n"
        "    '''demo.only_in_a_docstring'''\n"
        "    t('demo.literal')\n"
        "    t(f'demo.claim.{kind}')\n"
        "    t(f'demo.{kind}.tail')\n"
        "    entries(f'demo.quiz.{key}.')\n"
        "    entries('demo.glossary.')\n"
        "    t(f'{kind}{key}')\n"
    )
    keys = {
        "demo.literal",
        "demo.claim.a",
        "demo.claim.a.deeper",
        "demo.x.tail",
        "demo.quiz.q1.o1",
        "demo.glossary.term.definition",
        "demo.only_in_a_comment",
        "demo.only_in_a_docstring",
    }
    assert unused_keys(keys, uses) == [
        "demo.claim.a.deeper",
        "demo.only_in_a_comment",
        "demo.only_in_a_docstring",
    ]
