"""What a grading worker keeps from one submission to the next.

Stock nbgrader builds everything anew for every submission. In a process that grades
one submission after the other (a worker of :mod:`cjmlib.grading.parallel`), two of
those rebuilds are pure waste; a profile of a worker (``cProfile`` on process time, 24
submissions of exercises 03, 05 and 08) put them at about 0.4 of its 1.35 s of CPU per
submission:

- **A database engine per ``Gradebook``.** nbgrader opens the gradebook nine times per
  submission, each time with a new SQLAlchemy engine; an engine's compiled-statement
  cache lives and dies with it, so every statement is compiled again (0.22 s). The
  worker now keeps one engine per database address. ``Gradebook.close`` still disposes
  of the engine's connections (a disposed engine opens new ones when used again), so
  nothing else changes; the statements stay compiled. Each ``Gradebook`` also asks the
  database, table by table, whether nbgrader's tables exist (0.06 s); on a kept engine
  that has been asked once, the worker does not ask again.
- **nbgrader's cell metadata check.** ``jsonschema.validate`` first checks nbgrader's
  own schema against the JSON Schema meta-schema, then builds a validator, for every
  cell of every notebook read or written (0.17 s). The worker now checks the schema
  once and keeps its validator; the cells are validated exactly as before, with the
  same error (jsonschema's ``best_match``) when one is wrong.

Both are installed in the worker process only (:func:`install`), never in stock
``nbgrader`` runs, and they rely on two names inside nbgrader
(``nbgrader.api.create_engine``, ``nbgrader.api.Base.metadata``,
``nbgrader.nbgraderformat.common.jsonschema``):
``tests/test_grading_reuse.py`` fails if an nbgrader update moves them.
"""

from __future__ import annotations

import json
import types
from typing import Any

import jsonschema
import nbgrader.api
import nbgrader.nbgraderformat.common as nbformat_common
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

__all__ = ["install", "installed", "uninstall"]

_ORIGINAL = (nbgrader.api.create_engine, nbformat_common.jsonschema)
_METADATA = nbgrader.api.Base.metadata
_engines: dict[tuple[str, str], Engine] = {}
_created: set[int] = set()  # ids of kept engines whose tables exist
_validators: dict[str, Validator] = {}


def _shared_engine(url: str, **kwargs: Any) -> Engine:
    """One engine per database address and options, for the life of the process."""
    key = (str(url), json.dumps(kwargs, sort_keys=True, default=repr))
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = create_engine(url, **kwargs)
    return engine


def _create_all_once(bind: Any, tables: Any = None, checkfirst: bool = True) -> None:
    """``MetaData.create_all`` that runs once per kept engine (the tables stay)."""
    kept = bind in _engines.values()
    if kept and id(bind) in _created:
        return
    type(_METADATA).create_all(_METADATA, bind=bind, tables=tables, checkfirst=checkfirst)
    if kept:
        _created.add(id(bind))


def _validate(instance: Any, schema: dict[str, Any]) -> None:
    """``jsonschema.validate`` with the schema checked and compiled once."""
    key = json.dumps(schema, sort_keys=True)
    validator = _validators.get(key)
    if validator is None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _validators[key] = cls(schema)
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


class _JsonSchema(types.ModuleType):
    """The ``jsonschema`` module as nbgrader's metadata check sees it, with ``validate`` kept."""

    def __getattr__(self, name: str) -> Any:
        return getattr(jsonschema, name)


_jsonschema = _JsonSchema("jsonschema")
_jsonschema.validate = _validate  # type: ignore[attr-defined]


def install() -> None:
    """Keep engines and the metadata validator for the rest of this process."""
    nbgrader.api.create_engine = _shared_engine
    _METADATA.create_all = _create_all_once
    nbformat_common.jsonschema = _jsonschema


def installed() -> bool:
    """True when :func:`install` ran in this process."""
    return (
        nbgrader.api.create_engine is _shared_engine
        and _METADATA.create_all is _create_all_once
        and nbformat_common.jsonschema is _jsonschema
    )


def uninstall() -> None:
    """Give nbgrader its own names back (for tests that share a process)."""
    nbgrader.api.create_engine, nbformat_common.jsonschema = _ORIGINAL
    _METADATA.__dict__.pop("create_all", None)
    _created.clear()
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
