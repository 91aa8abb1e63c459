"""Keep the grading tests honest when trainee code has shadowed what they rely on.

A trainee can fake a pass by redefining a builtin (``def len(x): return 5``,
``builtins.sum = ...``) or a ``cjmlib`` function the tests call. The locked setup
cell of every exercise calls :func:`arm` once, before any trainee code runs; every
test cell starts with :func:`restore`, which puts back the builtins, the setup
cell's names, and every ``cjmlib`` module attribute and class attribute as they
were when armed, and silences warnings again (any stderr output zeroes a test cell).

Names of the trainee's namespace that :func:`restore` had to change (a global ``len``,
a rebound setup variable) are only hidden from the test cell: after the cell, an IPython
``post_run_cell`` hook puts them back, so the trainee's later cells see their own names.
Patched builtins and ``cjmlib`` attributes stay repaired.

This defends against accidental or casual tampering. It is not a security boundary:
code in the same process can also replace this module; the instructor still sees
the submitted code in the formgrader (see ``course/README.md``).
"""

from __future__ import annotations

import builtins
import sys
import types
import warnings
from typing import Any

_state: dict[str, Any] = {}


def _cjmlib_modules() -> dict[str, types.ModuleType]:
    return {
        n: m
        for n, m in list(sys.modules.items())
        if m is not None and (n == "cjmlib" or n.startswith("cjmlib."))
    }


def _class_dicts(module: types.ModuleType) -> dict[type, dict[str, Any]]:
    found: dict[type, dict[str, Any]] = {}
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "__module__", "").startswith("cjmlib"):
            found[value] = dict(vars(value))
    return found


def silence() -> None:
    """Route warnings away from stderr (a warning in a test cell would zero it)."""
    warnings.resetwarnings()
    warnings.simplefilter("ignore")
    try:
        import pandas as pd

        pd.options.mode.chained_assignment = None
    except Exception:  # pragma: no cover - pandas is a dependency, but stay quiet
        pass


def arm(namespace: dict[str, Any]) -> None:
    """Remember the pristine builtins, setup names and ``cjmlib`` attributes."""
    silence()
    modules = _cjmlib_modules()
    _state["builtins"] = dict(vars(builtins))
    _state["namespace"] = {k: v for k, v in namespace.items() if not k.startswith("_")}
    _state["modules"] = {name: dict(vars(mod)) for name, mod in modules.items()}
    classes: dict[type, dict[str, Any]] = {}
    for mod in modules.values():
        classes.update(_class_dicts(mod))
    _state["classes"] = classes
    _state["put_back"] = {}
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab
        shell = None
    if shell is not None and not _state.get("hooked"):
        shell.events.register("post_run_cell", _put_back)
        _state["hooked"] = True


def _put_back(*_args: Any) -> None:
    """After a test cell: give the trainee's own names back (see module docstring)."""
    pending = _state.get("put_back") or {}
    for namespace, name, value in pending.values():
        namespace[name] = value
    _state["put_back"] = {}


def restore(namespace: dict[str, Any]) -> list[str]:
    """Undo shadowing since :func:`arm`; return the names that had been changed."""
    silence()
    if not _state:
        return []
    changed: list[str] = []
    pristine = _state["builtins"]
    current = vars(builtins)
    for name, value in pristine.items():
        if current.get(name) is not value:
            current[name] = value
            changed.append(f"builtins.{name}")
    put_back = _state.setdefault("put_back", {})
    for name, value in _state["namespace"].items():
        if namespace.get(name) is not value:
            if name in namespace:
                put_back[name] = (namespace, name, namespace[name])
            namespace[name] = value
            changed.append(name)
    for name in list(namespace):
        if name in pristine and name not in _state["namespace"] and not name.startswith("_"):
            put_back[name] = (namespace, name, namespace.pop(name))  # a global ``len``
            changed.append(name)
    for mod_name, attrs in _state["modules"].items():
        module = sys.modules.get(mod_name)
        if module is None:
            continue
        live = vars(module)
        for attr, value in attrs.items():
            if live.get(attr) is not value:
                setattr(module, attr, value)
                changed.append(f"{mod_name}.{attr}")
    for cls, attrs in _state["classes"].items():
        live = vars(cls)
        for attr, value in attrs.items():
            if attr.startswith("__"):
                continue  # pydantic keeps lazily updated state in dunder attributes
            if live.get(attr) is not value:
                try:
                    setattr(cls, attr, value)
                    changed.append(f"{cls.__name__}.{attr}")
                except (AttributeError, TypeError):
                    pass
        for attr in [a for a in live if a not in attrs and not a.startswith("__")]:
            try:
                delattr(cls, attr)
                changed.append(f"{cls.__name__}.{attr}")
            except (AttributeError, TypeError):
                pass
    return changed
