"""Which entry of the map an evidence rule's ``target`` means: its id, or its name.

A trainee reads statements by name ("Wartezeit in der Hotline"), a programmer may use
the id ("tp-hotline-warten"). :func:`resolve_target` accepts both and returns the id,
so that everything that reads rules (verification, charts, reports) keeps working on
ids. A slip gets a German message that names the valid statements by name: a name of
the wrong kind (a pain point for an emotion rule), a typo (with a suggestion), or a name
that two entries share. An unknown value that looks like an id gets the living map's
message listing the ids (``None`` tells the caller to raise it).
"""

from __future__ import annotations

import difflib
import re

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice

#: The collection whose entries a rule of each claim kind names (KPIs are matched apart).
HOME: dict[str, str] = {
    "emotion": "touchpoints",
    "moment_of_truth": "touchpoints",
    "pain_point": "pain_points",
    "hypothesis": "hypotheses",
}
#: How many names a message lists before "…".
SHOWN = 30
#: How many of a long list a message about a mistyped name shows: the closest ones.
CLOSEST = 10


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _names(entries: dict[str, str]) -> str:
    names = list(dict.fromkeys(entries.values()))
    text = ", ".join(names[:SHOWN])
    return text + (", …" if len(names) > SHOWN else "")


def _words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning: four letters or more, any case."""
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) >= 4}


def _closest_names(value: str, entries: dict[str, str]) -> str:
    """Up to :data:`CLOSEST` names most like ``value``, in journey order, and how many more.

    A long list buried the suggestion; a short one is shown whole.
    """
    names = list(dict.fromkeys(entries.values()))
    if len(names) <= CLOSEST:
        return _names(entries)
    key = _key(value)
    words = _words(value)

    def likeness(name: str) -> tuple[int, float]:
        return len(words & _words(name)), difflib.SequenceMatcher(None, key, _key(name)).ratio()

    ranked = sorted(names, key=likeness, reverse=True)[:CLOSEST]
    # Names that share a word ("Hotline") are the ones meant; by spelling alone the
    # little words ("in der") made every "… in der Filiale" look close.
    sharing = [n for n in ranked if words & _words(n)]
    kept = set(sharing or ranked)
    shown = ", ".join(n for n in names if n in kept)
    return f"{shown} {t('rule_target.more', count=len(names) - len(kept))}"


def _looks_like_id(value: str) -> bool:
    """``pp-weg``: one lower-case word with a hyphen, as the workbook's ids are written."""
    return re.fullmatch(r"[a-z0-9_]+(?:-[a-z0-9_]+)+", value.strip()) is not None


def resolve_target(
    title: str, claim: str, value: str, entries: dict[str, dict[str, str]]
) -> str | None:
    """The id of the entry that ``value`` names for a rule of kind ``claim``.

    ``entries`` maps each collection of :data:`HOME` to ``{id: name}``. Returns ``None``
    for an unknown id-like value (the caller raises its message); raises a German
    :class:`CJMError` (field ``target``) for every other value that names no entry.
    """
    home = HOME[claim]
    known = entries[home]
    if value in known:
        return value
    key = _key(value)
    hits = [i for i, name in known.items() if _key(name) == key]
    if len(hits) == 1:
        return hits[0]
    claim_name = t(f"living_map.claim.{claim}")
    where = t(f"living_map.claim_home.{claim}")
    if hits:
        matches = ", ".join(f"{known[i]} ({i})" for i in hits)
        raise CJMError(
            t(
                "rule_target.ambiguous",
                title=title,
                value=value,
                count=len(hits),
                entries=t(f"collection.{home}"),
                matches=matches,
            ),
            field="target",
            value=value,
            allowed=matches,
        )
    allowed = _closest_names(value, known) or t("allowed.none_yet")
    names = {_key(n): n for n in known.values()}
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    suggestion = t("rule_target.did_you_mean", name=names[close[0]]) if close else ""
    for other, items in entries.items():
        if other == home:
            continue
        if value in items or any(_key(name) == key for name in items.values()):
            raise unknown_choice(
                "rule_target.wrong_kind",
                allowed=allowed,
                value=value,
                field="target",
                title=title,
                found=t(f"rule_target.entry.{other}"),
                claim=t(f"rule_target.claim.{claim}"),
                where=where,
                suggestion=suggestion,
            )
    if _looks_like_id(value):
        return None
    raise unknown_choice(
        "rule_target.unknown",
        allowed=allowed,
        value=value,
        field="target",
        title=title,
        claim=claim_name,
        where=where,
        suggestion=suggestion,
    )
