"""Notebooks executed two at a time (one kernel per core) for a module's tests."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest


def selected(request: pytest.FixtureRequest, test: str, param: str) -> list[Any]:
    """The values of ``param`` of the tests ``test`` of this module that pytest will run
    (all of them, or those chosen with ``-k`` or a node id)."""
    values = {
        item.callspec.params[param]
        for item in request.session.items
        if getattr(item, "originalname", "") == test and item.module is request.module
    }
    return sorted(values, key=str)


def two_at_a_time(function: Callable[[Any], Any], args: Iterable[Any]) -> dict[Any, Any]:
    """``{arg: function(arg)}``, two calls at a time in spawned worker processes.

    spawn, not fork: a forked copy of the pytest process inherits the zmq and asyncio
    state of earlier tests, and its kernel clients then hang ("Kernel didn't respond").
    ``function`` must be a module-level function of a test module (it is imported there).
    """
    args = list(args)
    with ProcessPoolExecutor(
        max_workers=2, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        return dict(zip(args, pool.map(function, args), strict=True))
