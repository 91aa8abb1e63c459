"""Privacy: pseudonymise ids, drop direct identifiers, suppress small groups.

The course's sources ask for profiles that identify no individual. Three tools:

* :func:`pseudonymise` replaces ids with a keyed hash (HMAC-SHA256). Without the secret
  key nobody can recompute or reverse the mapping; with the same key the same customer
  keeps the same pseudonym, so tables can still be joined. Keep the key out of the
  notebook (for example in an environment variable).
* :func:`drop_identifiers` removes columns that name a person directly.
* :func:`suppress_small_groups` blanks every figure of a table meant for sharing that
  stands for fewer than ``k`` customers (default 5).

Suppression protects the cells of one table. Someone who holds totals from elsewhere
may still subtract the visible cells from them; share as few related tables as needed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from cjmlib.analytics._common import require_frame
from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.messages.text import transliterate

DEFAULT_K = 5
MIN_KEY_BYTES = 16

#: Column names (folded, without separators) that identify a person directly.
IDENTIFIERS: tuple[str, ...] = (
    "name",
    "vorname",
    "nachname",
    "fullname",
    "firstname",
    "lastname",
    "surname",
    "email",
    "emailadresse",
    "mail",
    "telefon",
    "telefonnummer",
    "phone",
    "mobil",
    "handy",
    "adresse",
    "address",
    "strasse",
    "street",
    "hausnummer",
    "iban",
    "kontonummer",
    "kreditkarte",
    "creditcard",
    "geburtsdatum",
    "birthdate",
    "dateofbirth",
    "ip",
    "ipadresse",
    "ipaddress",
    "ausweisnummer",
    "steuerid",
    "versicherungsnummer",
    "kundenname",
    "customername",
    "username",
    "benutzername",
)

#: Count columns and the figures that depend only on them (cell-level suppression).
DEPENDENT: dict[str, tuple[str, ...]] = {
    "n_nps": ("nps", "nps_low", "nps_high"),
    "n_csat": ("csat", "csat_low", "csat_high"),
    "n_ces": (
        "ces_mean",
        "ces_agree",
        "ces_mean_low",
        "ces_mean_high",
        "ces_agree_low",
        "ces_agree_high",
    ),
}

#: Count columns whose smallness blanks the whole row.
ROW_COUNTS: tuple[str, ...] = (
    "customers",
    "n",
    "drop_off",
    "switches",
    "mentions",
    "pain_mentions",
    "retained",
    "converted",
    "transitions",
    "first_touch",
    "last_touch",
    "customers_with",
    "customers_without",
    "conversions",
    "answers",
)


def _normalise(name: str) -> str:
    folded = transliterate(str(name).casefold())
    return re.sub(r"[^a-z0-9]", "", folded)


def _key_bytes(key: str | bytes) -> bytes:
    raw = key.encode("utf-8") if isinstance(key, str) else key
    if not isinstance(raw, bytes) or len(raw) < MIN_KEY_BYTES:
        raise CJMError(t("analytics.error.privacy_key", min=MIN_KEY_BYTES), field="key")
    return raw


def pseudonymise(
    df: pd.DataFrame,
    key: str | bytes,
    *,
    columns: Iterable[str] = ("customer_id",),
    length: int = 16,
) -> pd.DataFrame:
    """Replace id columns by a keyed hash (HMAC-SHA256, hex, first ``length`` characters).

    Parameters
    ----------
    df:
        Any table, e.g. an event log or survey answers.
    key:
        Your secret key (at least 16 bytes). Same key -> same pseudonyms.
    columns:
        The id columns to replace (missing ids stay missing).
    length:
        Characters of the hex digest kept (8..64; 16 = 64 bits).

    Returns
    -------
    pandas.DataFrame
        A copy with the columns replaced; the input is not changed.
    """
    require_frame(df, "df")
    secret = _key_bytes(key)
    if not 8 <= int(length) <= 64:
        raise CJMError(t("analytics.error.hash_length", value=length), field="length", value=length)
    out = df.copy()
    for col in columns:
        if col not in out.columns:
            raise CJMError(
                t(
                    "analytics.error.missing_columns",
                    name="df",
                    missing=col,
                    allowed=", ".join(map(str, out.columns)),
                ),
                field=col,
            )
        codes, uniques = pd.factorize(out[col].astype(object))
        hashed = np.array(
            [
                hmac.new(secret, str(u).encode("utf-8"), hashlib.sha256).hexdigest()[:length]
                for u in uniques
            ]
            + [None],
            dtype=object,
        )
        out[col] = pd.Series(hashed[codes], index=out.index, dtype="string")
    out.attrs["pseudonymised"] = list(columns)
    return out


def drop_identifiers(df: pd.DataFrame, *, extra: Iterable[str] = ()) -> pd.DataFrame:
    """Remove columns that identify a person directly (name, e-mail, phone, address ...).

    Parameters
    ----------
    df:
        Any table.
    extra:
        Further column names to drop.

    Returns
    -------
    pandas.DataFrame
        A copy without those columns; ``attrs["dropped"]`` lists them and
        ``attrs["explanation"]`` says so in German.
    """
    require_frame(df, "df")
    wanted = set(IDENTIFIERS) | {_normalise(e) for e in extra}
    dropped = [c for c in df.columns if _normalise(c) in wanted]
    out = df.drop(columns=dropped)
    out.attrs["dropped"] = dropped
    out.attrs["explanation"] = (
        t("analytics.privacy.dropped", columns=", ".join(map(str, dropped)))
        if dropped
        else t("analytics.privacy.none_dropped")
    )
    return out


def _blank(column: pd.Series, mask: pd.Series) -> pd.Series:
    """Set the masked cells to NA; whole numbers stay whole (nullable Int64)."""
    if pd.api.types.is_integer_dtype(column):
        return column.astype("Int64").mask(mask)
    return column.astype(float).mask(mask)


def suppress_small_groups(
    table: pd.DataFrame, *, k: int = DEFAULT_K, counts: Iterable[str] | str | None = None
) -> pd.DataFrame:
    """Blank every figure of a table that stands for fewer than ``k`` customers.

    Parameters
    ----------
    table:
        A result table, e.g. from :func:`funnel`, :func:`top_paths`,
        :func:`survey_metrics`, :func:`count_switches` or :func:`count_themes`.
    k:
        Smallest group that may be shown (default 5). 0 is shown: it identifies nobody.
    counts:
        The count columns; None = the known ones (``customers``, ``n``, ``n_nps`` ...);
        ``"all"`` = every numeric cell is a count (e.g. a transition matrix).

    Returns
    -------
    pandas.DataFrame
        A copy in which small counts and the figures computed from them are missing
        (NA) and the column ``suppressed`` marks the rows concerned. In a funnel a
        blanked step also blanks the drop-off of the next step (it would reveal it).
    """
    require_frame(table, "table")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise CJMError(t("analytics.error.k", value=k), field="k", value=k)
    out = table.copy()
    numeric = [
        c
        for c in out.columns
        if pd.api.types.is_numeric_dtype(out[c])
        and not pd.api.types.is_bool_dtype(out[c])
        and c not in ("step", "period")
    ]
    if counts == "all":
        values = out[numeric].astype(float)
        small = (values > 0) & (values < k)
        for c in numeric:
            out[c] = _blank(out[c], small[c])
        out.attrs.update({str(a): v for a, v in table.attrs.items()})
        out.attrs.update(k=k, suppressed_cells=int(small.to_numpy().sum()))
        out.attrs.pop("explanation", None)
        return out
    chosen = [c for c in (counts or list(DEPENDENT) + list(ROW_COUNTS)) if c in out.columns]
    if not chosen:
        raise CJMError(
            t("analytics.error.no_counts", allowed=", ".join(ROW_COUNTS)), field="counts"
        )
    small_of = {c: (out[c].astype(float) > 0) & (out[c].astype(float) < k) for c in chosen}
    row_small = pd.Series(False, index=out.index)
    for c in chosen:
        if c not in DEPENDENT:
            row_small |= small_of[c]
    cell_small = pd.Series(False, index=out.index)
    for c in chosen:
        if c in DEPENDENT:
            hit = small_of[c] & ~row_small
            cols = [c, *[d for d in DEPENDENT[c] if d in out.columns]]
            for col in cols:
                out[col] = _blank(out[col], hit)
            cell_small |= hit
    for c in numeric:
        out[c] = _blank(out[c], row_small)
    if {"drop_off", "conversion_from_previous"} <= set(out.columns):
        # The next step's drop-off (and rate) would give away a blanked step's count.
        follow = row_small.shift(1, fill_value=False)
        for c in ("drop_off", "drop_off_rate", "conversion_from_previous"):
            if c in out.columns:
                out[c] = out[c].mask(follow)
        row_small = row_small | follow
    out["suppressed"] = row_small | cell_small
    out.attrs.update({str(a): v for a, v in table.attrs.items()})
    out.attrs.update(k=k, suppressed_rows=int(out["suppressed"].sum()))
    out.attrs["explanation"] = t(
        "analytics.privacy.suppressed", k=k, rows=int(out["suppressed"].sum())
    )
    return out


def make_shareable(
    table: pd.DataFrame, *, k: int = DEFAULT_K, counts: Iterable[str] | str | None = None
) -> pd.DataFrame:
    """Drop direct identifiers and suppress groups below ``k``: ready to share.

    See :func:`drop_identifiers` and :func:`suppress_small_groups`.
    """
    return suppress_small_groups(drop_identifiers(table), k=k, counts=counts)
