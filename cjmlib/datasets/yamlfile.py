"""Read a YAML data file strictly and remember the line of every value.

PyYAML follows YAML 1.1, where ``no`` and ``on`` are booleans, ``12:30`` is a number
and a repeated key silently replaces the first. Our data files hold German prose and
ids, so this reader resolves only the plain forms of YAML 1.2's core schema (``true``,
``false``, ``null``, decimal numbers) plus dates (``2026-01-05``), rejects a repeated
key, and keeps the node tree, so an error can name the line of any value by its path.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from cjmlib.errors import CJMError
from cjmlib.messages import t

#: A path into a document, as pydantic reports it: keys and list indexes.
Loc = Sequence[str | int]


class _StrictResolver(BaseResolver):
    """Only the unambiguous implicit types; everything else stays a string."""


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("null", r"~|null|Null|NULL|", "~nN"),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("timestamp", r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "0123456789"),
):
    # PyYAML looks resolvers up by the first character; "" is the key of empty scalars.
    _StrictResolver.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}",
        re.compile(f"^(?:{_pattern})$"),
        [*_first, *([""] if _tag == "null" else [])],
    )


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


class _StrictConstructor(SafeConstructor):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1, seen[key])
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_Parser: Any = getattr(yaml, "CParser", None)  # libyaml's parser is ten times faster


if _Parser is not None:

    class _Loader(_Parser, _StrictConstructor, _StrictResolver):  # type: ignore[misc]
        def __init__(self, text: str) -> None:
            _Parser.__init__(self, text)
            _StrictConstructor.__init__(self)
            _StrictResolver.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _StrictConstructor,
        _StrictResolver,
    ):
        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _StrictConstructor.__init__(self)
            _StrictResolver.__init__(self)


@dataclass(frozen=True)
class YamlFile:
    """One parsed data file: its values and the node tree they came from."""

    path: Path
    data: Any
    root: Node | None

    @classmethod
    def read(cls, path: Path) -> YamlFile:
        """Parse ``path``; a syntax error or a repeated key raises a German :class:`CJMError`."""
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CJMError(t("content_data.encoding", file=path), value=str(path)) from None
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        except _DuplicateKey as exc:
            raise CJMError(
                t(
                    "content_data.duplicate_key",
                    file=path,
                    line=exc.line,
                    key=exc.key,
                    first=exc.first,
                ),
                field=str(exc.key),
                value=str(path),
            ) from None
        except (yaml.MarkedYAMLError, ConstructorError) as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            raise CJMError(
                t("content_data.syntax", file=path, line=line), value=str(path)
            ) from None
        finally:
            loader.dispose()
        return cls(path, data, root)

    def line_of(self, loc: Loc) -> int:
        """Return the 1-based line of the value at ``loc`` (or of its nearest parent).

        A path that ends in a mapping key gives the line of that key; parts that the
        document does not have (a missing field, pydantic's union tags) are skipped.
        """
        node = self.root
        line = 1 if node is None else node.start_mark.line + 1
        for part in loc:
            child: Node | None = None
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                        line, child = key_node.start_mark.line + 1, value_node
                        break
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    line = child.start_mark.line + 1
            if child is not None:
                node = child
        return line

    def lines_with(self, key: str, value: object) -> list[int]:
        """Return the lines where ``key`` holds ``value`` (alone or in a list), in order."""
        wanted = str(value)
        found: list[int] = []

        def walk(node: Node) -> None:
            if isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if getattr(key_node, "value", None) == key:
                        items = value_node.value if isinstance(value_node, SequenceNode) else []
                        for item in [value_node, *items]:
                            if isinstance(item, ScalarNode) and item.value == wanted:
                                found.append(item.start_mark.line + 1)
                    walk(value_node)
            elif isinstance(node, SequenceNode):
                for item in node.value:
                    walk(item)

        if self.root is not None:
            walk(self.root)
        return found
