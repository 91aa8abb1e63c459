"""The error for a value outside a fixed set of choices, written once.

Every "unknown format / column / language / ..." message names the trainee's value and
the valid choices; :func:`unknown_choice` builds that :class:`~cjmlib.errors.CJMError`
with the same list in the German text and in ``error.allowed``.
"""

from __future__ import annotations

from collections.abc import Iterable

from cjmlib.errors import CJMError
from cjmlib.messages import t


def choices_text(allowed: Iterable[object] | str) -> str:
    """``"a, b, c"``; a ready string stays as it is; no choices: the catalogue's "none yet"."""
    text = allowed if isinstance(allowed, str) else ", ".join(map(str, allowed))
    return text or t("allowed.none_yet")


def unknown_choice(
    key: str,
    *,
    allowed: Iterable[object] | str,
    value: object,
    field: str | None = None,
    **params: object,
) -> CJMError:
    """The error of message ``key`` for ``value``; the text gets value, allowed and params."""
    choices = choices_text(allowed)
    text = t(key, **{"value": value, **params, "allowed": choices})
    return CJMError(text, field=field, value=value, allowed=choices)
