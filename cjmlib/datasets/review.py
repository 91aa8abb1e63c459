"""The review of a case's map against its later data period, told from the case's data.

Chapter 12 re-verifies the sample map on a later data period (``periods/<key>.yaml``) and
lets the case's team decide what changes. What the team finds and decides is content of
the industry (:class:`~cjmlib.datasets.settings.PeriodReview`), so the chapter's cells are
the same for every industry: they show the findings beside the statuses the verification
really gives, list the decisions, and make their changes with the workbook's own
``update`` and ``add`` calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cjmlib.analytics.verification import claim_name, format_value
from cjmlib.datasets.settings import PeriodReview, ReviewChange
from cjmlib.display import format_value as format_cell
from cjmlib.display import names_of
from cjmlib.messages import t
from cjmlib.model import COLLECTIONS, JourneyProject, Verification, field_label
from cjmlib.model.evidence import UNEVIDENCED

if TYPE_CHECKING:
    from cjmlib.workbook import Workbook


def findings_markdown(
    project: JourneyProject, verification: Verification, review: PeriodReview
) -> str:
    """The review's findings as a Markdown list: claim, the status it really got, and why.

    ``{wert}`` and ``{vorher}`` in a finding's text become the rule's figure in
    ``verification`` and at its last confirmation.
    """
    rules = {r.id: r for r in project.evidence_rules}
    lines = []
    for finding in review.findings:
        rule = rules[finding.rule]
        result = verification.result(rule.id)
        status = result.status if result is not None else UNEVIDENCED
        now = format_value(rule.metric, result.value if result else None)
        before = format_value(rule.metric, result.baseline if result else None)
        text = finding.text.format(wert=now, vorher=before)
        claim = claim_name(project, rule)
        lines.append(t("period_review.finding", claim=claim, status=status, text=text))
    return "\n".join(lines)


def decisions_markdown(review: PeriodReview) -> str:
    """The review's decisions as a numbered Markdown list."""
    return "\n".join(f"{n}. {d.text}" for n, d in enumerate(review.decisions, start=1))


def apply_review(workbook: Workbook, review: PeriodReview) -> pd.DataFrame:
    """Make every change the review decides in ``workbook``, in one save.

    Returns one row per change, in German: the number of its decision, the collection,
    the entry (its name, never its id) and what changed ("neu angelegt" for a new entry).
    On an error nothing is saved (the changes run in one batch).
    """
    before = names_of(workbook.project)
    rows = []
    with workbook.batch():
        for number, decision in enumerate(review.decisions, start=1):
            for change in decision.changes:
                entries = getattr(workbook, change.collection)
                if change.id:
                    entry = entries.update(change.id, **change.fields)
                else:
                    entry = entries.add(**change.fields)
                # an entry changed is named as it was; a new one as it is now
                names = {**names_of(workbook.project), **before}
                rows.append(
                    {
                        "decision": number,
                        "collection": t(f"collection.{change.collection}"),
                        "entry": names.get(entry.id, entry.id),
                        "change": _describe(change, names)
                        if change.id
                        else t("period_review.added"),
                    }
                )
    frame = pd.DataFrame(rows, columns=["decision", "collection", "entry", "change"])
    return frame.rename(columns={k: t(f"period_review.table.{k}") for k in frame.columns})


def _describe(change: ReviewChange, names: dict[str, str]) -> str:
    """ "Emotion: 0; Notizen: ..." – the changed fields with their German labels."""
    model = COLLECTIONS[change.collection]
    parts = []
    for field, value in change.fields.items():
        shown = [names.get(v, v) for v in value] if isinstance(value, list) else value
        parts.append(f"{field_label(model, field)}: {format_cell(shown)}")
    return "; ".join(parts)
