"""Tag German feedback comments with themes and pain points by keyword lexicon.

No model is downloaded: a comment gets a theme when one of the theme's keyword stems
occurs in it (see :mod:`cjmlib.analytics.lexicon`), and is a pain point when it holds a
negative marker that is not part of praise such as "kein Problem". A lexicon is
transparent and easy to extend, but it misses irony and new words; read a sample of the
comments yourself before trusting the counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from cjmlib.analytics._common import fmt_int, require_columns, require_frame
from cjmlib.analytics.lexicon import (
    NEGATED_PRAISE,
    PAIN_CATEGORIES,
    PAIN_MARKERS,
    THEMES,
    fold,
)
from cjmlib.messages import has, t

THEME_COLUMNS = ["group", "theme", "theme_label", "mentions", "pain_mentions", "share"]


def theme_label(key: str) -> str:
    """Return the readable (German) name of a theme key."""
    return t(f"analytics.theme.{key}") if has(f"analytics.theme.{key}") else key


def _text_column(feedback: pd.DataFrame, text: str | None) -> str:
    if text is not None:
        require_columns(feedback, [text], "feedback")
        return text
    for name in ("text", "comment"):
        if name in feedback.columns:
            return name
    require_columns(feedback, ["text"], "feedback")
    return "text"


def tag_feedback(
    feedback: pd.DataFrame,
    *,
    text: str | None = None,
    lexicon: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Add the columns ``themes`` (list of theme keys) and ``pain_point`` (bool).

    Parameters
    ----------
    feedback:
        A table with a text column (``text`` or ``comment``).
    text:
        The text column, if it has another name.
    lexicon:
        Your own ``theme -> keywords`` mapping; None = the built-in German lexicon.
        Keywords are matched case-insensitively, umlauts folded (ä = ae).

    Returns
    -------
    pandas.DataFrame
        A copy with ``themes``, ``theme_labels`` (German names), ``pain_point``,
        ``pain_categories`` (categories of :class:`cjmlib.model.PainPoint` for comments
        that are pain points, e.g. "Wartezeit", "Kanalbruch") and ``tagged`` (False for
        empty comments and comments no keyword matched).
    """
    require_frame(feedback, "feedback")
    col = _text_column(feedback, text)
    themes = {k: tuple(fold(w) for w in v) for k, v in (lexicon or THEMES).items()}
    out = feedback.copy()
    folded = out[col].fillna("").astype(str).map(fold)
    tags = [[k for k, words in themes.items() if any(w in s for w in words)] for s in folded]
    out["themes"] = tags
    out["theme_labels"] = [[theme_label(k) for k in tag] for tag in tags]

    def pain(s: str) -> bool:
        for praise in NEGATED_PRAISE:
            s = s.replace(praise, " ")
        return any(m in s for m in PAIN_MARKERS)

    out["pain_point"] = [pain(s) for s in folded]
    out["pain_categories"] = [
        (
            list(dict.fromkeys(PAIN_CATEGORIES[k] for k in tag if k in PAIN_CATEGORIES))
            or ["Sonstiges"]
        )
        if pain_flag
        else []
        for tag, pain_flag in zip(tags, out["pain_point"], strict=True)
    ]
    out["tagged"] = [bool(tag) for tag in tags]
    empty = int((folded.str.strip() == "").sum())
    untagged = int((~out["tagged"]).sum()) - empty
    out.attrs.update(
        empty=empty,
        untagged=untagged,
        explanation=t(
            "analytics.feedback.summary",
            n=fmt_int(len(out)),
            tagged=fmt_int(int(out["tagged"].sum())),
            pain=fmt_int(int(out["pain_point"].sum())),
            empty=empty,
            untagged=untagged,
        ),
    )
    return out


def count_themes(
    feedback: pd.DataFrame, *, by: str | None = "touchpoint_id", text: str | None = None
) -> pd.DataFrame:
    """Count theme mentions (and how many of them are pain points) per group.

    Parameters
    ----------
    feedback:
        Raw comments or the output of :func:`tag_feedback`.
    by:
        Grouping column, e.g. ``"touchpoint_id"`` or ``"phase"``; None = all together.
    text:
        The text column, if it is neither ``text`` nor ``comment``.

    Returns
    -------
    pandas.DataFrame
        ``group, theme, theme_label, mentions, pain_mentions, share`` (share of the
        group's comments that mention the theme, 0..1), most mentions first.
    """
    tagged = feedback if "themes" in feedback.columns else tag_feedback(feedback, text=text)
    if by is not None:
        require_columns(tagged, [by], "feedback")
        groups = (
            tagged[by]
            .astype(object)
            .where(tagged[by].notna(), t("analytics.survey.no_group"))
            .astype(str)
        )
    else:
        groups = pd.Series(t("analytics.survey.total"), index=tagged.index)
    sizes = groups.value_counts()
    long = (
        pd.DataFrame({"group": groups, "theme": tagged["themes"], "pain": tagged["pain_point"]})
        .explode("theme")
        .dropna(subset=["theme"])
    )
    g = long.groupby(["group", "theme"])
    out = pd.DataFrame({"mentions": g.size(), "pain_mentions": g["pain"].sum()}).reset_index()
    out["theme_label"] = out["theme"].map(theme_label)
    out["share"] = out["mentions"] / out["group"].map(sizes)
    out = out.astype({"mentions": "int64", "pain_mentions": "int64"})
    out = out.sort_values(["mentions", "group", "theme"], ascending=[False, True, True])
    out = out.reset_index(drop=True)[THEME_COLUMNS]
    out.attrs["explanation"] = t("analytics.feedback.counts")
    return out
