"""Checklists, knowledge checks and the progress overview across the twelve steps."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import plural, t
from cjmlib.model import slugify
from cjmlib.model.quiz import Question
from cjmlib.widgets.base import STYLE, StatusLine, button, esc, html_table, listen
from cjmlib.workbook import Workbook

#: The twelve steps of the method: chapter key -> collection whose entries show the work done.
STEPS: dict[str, str | None] = {
    "01": "segments",
    "02": "personas",
    "03": "needs",
    "04": "touchpoints",
    "05": None,
    "06": None,
    "07": "pain_points",
    "08": "solutions",
    "09": "hypotheses",
    "10": "feedback",
    "11": "actions",
    "12": "reviews",
}


class Checklist(w.VBox):  # type: ignore[misc]
    """A chapter's checklist; every tick is saved in the workbook at once.

    ``items`` is a list of texts (keys are made from them) or a ``{key: text}`` mapping.
    ``value`` holds ``{key: ticked}``; ``boxes[key].value = True`` ticks from code.
    """

    value = tl.Dict()

    def __init__(
        self,
        workbook: Workbook,
        chapter: str,
        items: Sequence[str] | Mapping[str, str],
        *,
        title: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.wb = workbook
        self.chapter = chapter
        pairs = (
            list(items.items())
            if isinstance(items, Mapping)
            else [(slugify(text), text) for text in items]
        )
        self.texts = dict(pairs)
        self._loading = False
        self.boxes = {
            key: w.Checkbox(
                value=False, description=text, indent=False, layout=w.Layout(width="auto")
            )
            for key, text in pairs
        }
        for key, box in self.boxes.items():
            box.observe(lambda change, key=key: self._on_tick(key, change["new"]), "value")
        self.summary = w.HTML()
        self.status = StatusLine()
        super().__init__(
            [
                w.HTML(f"<b>{esc(title or t('widgets.checklist.title'))}</b>"),
                *self.boxes.values(),
                self.summary,
                self.status,
            ],
            **kwargs,
        )
        self._load()
        listen(workbook, self._on_workbook_change)

    def _load(self) -> None:
        saved = self.wb.progress(self.chapter).checklist
        self._loading = True
        try:
            for key, box in self.boxes.items():
                box.value = bool(saved.get(key, False))
        finally:
            self._loading = False
        self.value = {key: box.value for key, box in self.boxes.items()}
        self._summarise()

    def _on_workbook_change(self, _wb: Workbook, note: str) -> None:
        if note.startswith("progress") or note == "batch" or note.startswith("restore"):
            self._load()

    def _summarise(self) -> None:
        done = sum(self.value.values())
        self.summary.value = STYLE + (
            f'<div class="cjm-muted">'
            f"{esc(t('widgets.checklist.summary', done=done, total=len(self.boxes)))}</div>"
        )

    def _on_tick(self, key: str, ticked: bool) -> None:
        if self._loading:
            return
        try:
            self.wb.set_progress(self.chapter, checklist={key: ticked})
        except CJMError as exc:
            self.status.fail(exc.message)
            return
        self.value = {**self.value, key: ticked}
        self._summarise()
        self.status.ok(t("widgets.checklist.saved"))


def shuffled_order(seed_text: str, n: int) -> list[int]:
    """A permutation of ``range(n)`` that depends only on ``seed_text`` (stable, not secret)."""
    seed = int.from_bytes(hashlib.sha256(seed_text.encode("utf-8")).digest()[:8], "big")
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def trainee_seed(workbook: Workbook) -> str:
    """What makes one trainee's quiz order differ from another's and stay across reloads.

    The workbook's file path (each trainee on a hub has their own home folder) and the
    day the project was created; neither changes when the page is reloaded.
    """
    path = getattr(workbook, "path", None)
    project = getattr(workbook, "project", None)
    created = getattr(project, "created", "")
    return f"{Path(path).resolve() if path else ''}|{created}"


class KnowledgeCheck(w.VBox):  # type: ignore[misc]
    """Single and multiple choice questions with a second try, explanations and a saved score.

    ``questions`` are :class:`Question` objects or dicts with ``id``, ``text``,
    ``choices``, ``correct`` (an index or a list of indexes), ``explanation`` and
    optionally ``case`` and ``table``. Each trainee sees the choices in an order of their
    own (``order[id]``: catalogue indexes in display order), the same after a reload.
    A wrong answer first gets a hint to try again; the solution and the explanation
    follow a right answer or a second wrong one. Answer from code with :meth:`answer`
    (catalogue indexes) and call :meth:`check` (what "Antworten prüfen" does).
    ``score`` is the share answered right.
    """

    score = tl.Float(0.0)

    def __init__(
        self,
        workbook: Workbook,
        chapter: str,
        questions: Sequence[Question | Mapping[str, Any]],
        *,
        title: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.wb = workbook
        self.chapter = chapter
        self.questions = [Question.build(q) for q in questions]
        self.inputs: dict[str, Any] = {}
        self.feedback: dict[str, w.HTML] = {}
        self.question_html: dict[str, w.HTML] = {}
        self.results: dict[str, bool] = {}
        self.order: dict[str, list[int]] = {}
        self.attempts: dict[str, int] = {}
        self._judged: dict[str, tuple[int, ...]] = {}
        self._restoring = False
        seed = trainee_seed(workbook)
        blocks = []
        for n, q in enumerate(self.questions, start=1):
            order = shuffled_order(f"{seed}|{chapter}|{q.id}", len(q.choices))
            self.order[q.id] = order
            if q.multiple:
                boxes = [
                    w.Checkbox(
                        value=False, description=c, indent=False, layout=w.Layout(width="auto")
                    )
                    for c in q.choices
                ]
                # Boxes stay indexed like the catalogue; only their display order is shuffled.
                widget: Any = w.VBox([boxes[i] for i in order])
                widget.boxes = boxes
            else:
                widget = w.RadioButtons(
                    options=[(q.choices[i], i) for i in order],
                    value=None,
                    layout=w.Layout(width="auto"),
                )
                widget.observe(lambda _c, qid=q.id: self._on_radio(qid), "value")
            self.inputs[q.id] = widget
            self.feedback[q.id] = w.HTML()
            self.question_html[q.id] = w.HTML(STYLE + self._question_html(n, q))
            blocks.append(
                w.VBox(
                    [self.question_html[q.id], widget, self.feedback[q.id]],
                    layout=w.Layout(margin="0 0 10px 0"),
                )
            )
        self.check_button = button("widgets.quiz.check", icon="check", style="primary")
        self.check_button.on_click(lambda _: self.check())
        self.summary = w.HTML()
        self.status = StatusLine()
        super().__init__(
            [
                # Long answers wrap instead of running into the next one (see .cjm-quiz).
                w.HTML(STYLE + f"<h4>{esc(title or t('widgets.quiz.title'))}</h4>"),
                *blocks,
                w.HBox(
                    [self.check_button, self.summary, self.status],
                    layout=w.Layout(align_items="center", flex_flow="row wrap"),
                ),
            ],
            **kwargs,
        )
        self.add_class("cjm-quiz")
        self._restore()

    @staticmethod
    def _question_html(n: int, q: Question) -> str:
        hint = t("widgets.quiz.several") if q.multiple else t("widgets.quiz.one")
        parts = []
        if q.case:
            parts.append(f'<div class="cjm-case">{esc(q.case)}</div>')
        if q.table:
            parts.append(html_table(q.table[0], q.table[1:]))
        parts.append(f"<b>{n}. {esc(q.text)}</b> <span class='cjm-muted'>({esc(hint)})</span>")
        return "".join(parts)

    # -- answers -------------------------------------------------------------------
    def selected(self, qid: str) -> list[int]:
        """The catalogue indexes the trainee has chosen for question ``qid``."""
        widget = self.inputs[qid]
        if hasattr(widget, "boxes"):
            return [i for i, box in enumerate(widget.boxes) if box.value]
        return [] if widget.value is None else [widget.value]

    def answer(self, qid: str, choice: int | Sequence[int]) -> None:
        """Choose answer(s) for ``qid`` (catalogue indexes) as a trainee would click them."""
        chosen = {choice} if isinstance(choice, int) else set(choice)
        widget = self.inputs[qid]
        if hasattr(widget, "boxes"):
            for i, box in enumerate(widget.boxes):
                box.value = i in chosen
        else:
            widget.value = next(iter(chosen))

    def _restore(self) -> None:
        saved = self.wb.progress(self.chapter).quiz_answers
        known = {q.id: q for q in self.questions}
        for qid, chosen in saved.items():
            if qid in known and all(0 <= i < len(known[qid].choices) for i in chosen):
                widget = self.inputs[qid]
                if hasattr(widget, "boxes"):
                    for i, box in enumerate(widget.boxes):
                        box.value = i in chosen
                elif chosen:
                    self._restoring = True
                    try:
                        widget.value = chosen[0]
                    finally:
                        self._restoring = False
                self._judge(known[qid])
        self._summarise()

    def _on_radio(self, qid: str) -> None:
        if not self._restoring:
            self.check(qid)

    def _judge(self, q: Question) -> bool | None:
        chosen = self.selected(q.id)
        if not chosen:
            self.feedback[q.id].value = ""
            self.results.pop(q.id, None)
            return None
        right = q.is_correct(chosen)
        self.results[q.id] = right
        answer = tuple(sorted(chosen))
        if not right and self._judged.get(q.id) != answer:
            # A try counts once per different answer: checking it again is no new try.
            self.attempts[q.id] = self.attempts.get(q.id, 0) + 1
        self._judged[q.id] = answer
        explanation = f"<div>{esc(q.explanation)}</div>" if q.explanation else ""
        if right:
            body = f'<span class="cjm-ok">✓ {esc(t("widgets.quiz.right"))}</span>{explanation}'
        elif self.attempts.get(q.id, 0) < 2:
            body = (
                f'<span class="cjm-fail">✗ {esc(t("widgets.quiz.wrong"))}</span> '
                f"{esc(t('widgets.quiz.retry'))}"
            )
        else:
            solution = "; ".join(q.choices[i] for i in q.correct)
            body = (
                f'<span class="cjm-fail">✗ {esc(t("widgets.quiz.wrong_again"))}</span> '
                f"{esc(t('widgets.quiz.solution', solution=solution))}{explanation}"
            )
        self.feedback[q.id].value = STYLE + f"<div>{body}</div>"
        return right

    def check(self, qid: str | None = None) -> float:
        """Give feedback (for ``qid`` or all questions), save answers and score; return it.

        With nothing answered yet, nothing is saved: an untouched check is not a result.
        """
        targets = [q for q in self.questions if qid is None or q.id == qid]
        answers = {q.id: self.selected(q.id) for q in targets if self.selected(q.id)}
        if not answers:
            self.status.info(t("widgets.quiz.nothing_answered"))
            return self.score
        for q in targets:
            self._judge(q)
        self.score = sum(self.results.values()) / len(self.questions) if self.questions else 0.0
        try:
            self.wb.set_progress(self.chapter, quiz_answers=answers, quiz_score=self.score)
        except CJMError as exc:
            self.status.fail(exc.message)
        else:
            self.status.ok(t("widgets.quiz.saved"))
        self._summarise()
        return self.score

    def _summarise(self) -> None:
        right = sum(self.results.values())
        self.score = right / len(self.questions) if self.questions else 0.0
        self.summary.value = (
            STYLE
            + "<b>"
            + esc(
                t(
                    "widgets.quiz.summary",
                    right=right,
                    total=len(self.questions),
                    percent=round(self.score * 100),
                )
            )
            + "</b>"
        )


class ProgressOverview(w.VBox):  # type: ignore[misc]
    """The twelve steps at a glance: checklist ticks, quiz score and entries in the workbook.

    ``chapters`` maps chapter keys (as used with ``set_progress``) to titles; by default
    the keys "01" … "12" with the method's step names.
    """

    def __init__(
        self, workbook: Workbook, chapters: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        self.wb = workbook
        self.chapters = (
            dict(chapters)
            if chapters
            else {key: t(f"widgets.progress.step_{key}") for key in STEPS}
        )
        self.table = w.HTML(layout=w.Layout(width="100%"))
        super().__init__(
            [w.HTML(f"<h3>{esc(t('widgets.progress.title'))}</h3>"), self.table], **kwargs
        )
        self._redraw()
        listen(workbook, self._on_workbook_change)

    def _on_workbook_change(self, _wb: Workbook, _note: str) -> None:
        self._redraw()

    def rows(self) -> list[tuple[Any, ...]]:
        """One row per chapter: key, title, ticks, quiz score, entries, state."""
        project = self.wb.project
        rows = []
        for key, title in self.chapters.items():
            progress = project.progress.get(key)
            ticks = sum(progress.checklist.values()) if progress else 0
            score = (
                f"{round(progress.quiz_score * 100)} %"
                if progress and progress.quiz_score is not None
                else "–"
            )
            collection = STEPS.get(key)
            count = len(getattr(project, collection)) if collection else 0
            entries = (
                t(
                    "widgets.progress.entries",
                    count=count,
                    collection=plural(count, t(f"count.{collection}")),
                )
                if collection
                else "–"
            )
            started = bool(ticks or (progress and progress.quiz_score is not None))
            state = (
                t("widgets.progress.done")
                if progress and progress.done
                else t("widgets.progress.started")
                if started
                else t("widgets.progress.open")
            )
            rows.append((key, title, ticks, score, entries, state))
        return rows

    def _redraw(self) -> None:
        headers = [
            t("widgets.progress.step"),
            t("widgets.progress.topic"),
            t("widgets.progress.ticks"),
            t("widgets.progress.quiz"),
            t("widgets.progress.workbook"),
            t("widgets.progress.state"),
        ]
        self.table.value = STYLE + html_table(headers, self.rows())
