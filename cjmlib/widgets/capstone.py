"""The trainee's progress panel and the one button that exports the capstone.

- :class:`ProgressPanel` shows chapters, exercises and the capstone's completeness checks
  (:func:`cjmlib.workbook.progress.trainee_progress`): what is done, what is missing,
  which checks failed. It redraws when the workbook changes; ``refresh()`` (the button)
  also reads the exercise notebooks again.
- :class:`CapstoneExport` takes the trainee's name and, on click, calls the export it was
  given – in chapter 13 ``cjmlib.io.export_capstone`` – and lists the files written and
  what is still missing. The export is passed in, so this widget does not depend on the
  io layer (and a test can hand it any callable).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import ipywidgets as w
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.widgets.base import STYLE, StatusLine, button, esc, html_table, listen
from cjmlib.workbook import Workbook
from cjmlib.workbook.progress import TraineeProgress, trainee_progress

# Symbols every common font has (emoji need an emoji font, which many machines lack).
_STATE_ICON = {"done": "✓", "started": "◐", "open": "○", "unreadable": "⚠"}


class ProgressPanel(w.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """Chapters, exercises and capstone at a glance, with what is still missing.

    ``summary`` (a trait) holds the one-line summary, ``missing`` the German lines of
    what is missing; ``refresh()`` recomputes both.
    """

    summary = tl.Unicode("")
    missing = tl.List(tl.Unicode())

    def __init__(
        self, workbook: Workbook, *, exercises: str | Path | None = None, **kwargs: Any
    ) -> None:
        self.wb = workbook
        self.exercises = exercises
        self.progress: TraineeProgress | None = None
        self.head = w.HTML()
        self.tables = w.HTML(layout=w.Layout(width="100%"))
        self.refresh_button = button("capstone.widget.refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__([self.head, self.tables, self.refresh_button], **kwargs)
        self.refresh()
        listen(workbook, self._on_workbook_change)

    def _on_workbook_change(self, _wb: Workbook, _note: str) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Read the workbook and the exercise notebooks again and redraw."""
        progress = trainee_progress(self.wb, exercises=self.exercises)
        self.progress = progress
        missing = [
            t(
                "capstone.widget.missing_chapter",
                chapter=c.key,
                title=c.title,
                what="; ".join(c.missing),
            )
            for c in progress.chapters
            if not c.done
        ]
        missing += [
            t("capstone.widget.missing_exercise", title=e.title, failed=", ".join(e.failed))
            for e in progress.exercises
            if e.failed
        ]
        missing += [
            t("capstone.check.line", chapter=c.chapter, title=c.title, message=c.message)
            for c in progress.capstone
            if not c.passed
        ]
        self.missing = missing
        self.summary = progress.summary()
        self._draw(progress)

    def _draw(self, progress: TraineeProgress) -> None:
        self.head.value = (
            STYLE
            + f"<h3>{esc(t('capstone.widget.title'))}</h3>"
            + f"<p><b>{esc(self.summary)}</b></p>"
            + "".join(f'<p class="cjm-muted">{esc(n)}</p>' for n in progress.notes)
        )
        state = {
            "done": t("widgets.progress.done"),
            "started": t("widgets.progress.started"),
            "open": t("widgets.progress.open"),
            "unreadable": t("capstone.widget.unreadable"),
        }
        chapters = html_table(
            [
                t("capstone.report.chapter"),
                t("widgets.progress.topic"),
                t("widgets.progress.state"),
                t("capstone.widget.what_missing"),
            ],
            [
                (c.key, c.title, f"{_STATE_ICON[c.state]} {state[c.state]}", "; ".join(c.missing))
                for c in progress.chapters
            ],
        )
        parts = [f"<h4>{esc(t('capstone.widget.chapters'))}</h4>", chapters]
        if progress.exercises:
            parts += [
                f"<h4>{esc(t('capstone.widget.exercises'))}</h4>",
                html_table(
                    [
                        t("capstone.widget.exercise"),
                        t("capstone.widget.solved"),
                        t("widgets.progress.state"),
                        t("capstone.widget.failed"),
                    ],
                    [
                        (
                            e.title,
                            f"{e.correct} / {e.tasks}",
                            f"{_STATE_ICON[e.state]} {state[e.state]}",
                            ", ".join(e.failed),
                        )
                        for e in progress.exercises
                    ],
                ),
            ]
        parts += [
            f"<h4>{esc(t('capstone.widget.capstone'))}</h4>",
            html_table(
                [
                    t("capstone.report.part"),
                    t("capstone.report.chapter"),
                    t("capstone.report.state"),
                    t("capstone.report.note"),
                ],
                [
                    (
                        c.title,
                        c.chapter,
                        "✓ " + t("capstone.report.passed")
                        if c.passed
                        else "✗ " + t("capstone.report.missing"),
                        c.message,
                    )
                    for c in progress.capstone
                ],
            ),
        ]
        self.tables.value = STYLE + "".join(parts)


class ExportResult(Protocol):
    """What the export returns: the files and a German message."""

    html: Path
    pdf: Path
    certificate: Path

    @property
    def missing(self) -> str: ...

    def message(self) -> str: ...


class CapstoneExport(w.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """Name field and one button: writes report (HTML, PDF) and certificate.

    ``export(wb, name=...)`` is called on click (``button.click()`` from code);
    ``files`` then holds the paths written, ``status`` says what happened.
    """

    files = tl.List(tl.Unicode())

    def __init__(
        self, workbook: Workbook, export: Callable[..., ExportResult], **kwargs: Any
    ) -> None:
        self.wb = workbook
        self.export = export
        self.name = w.Text(
            description=t("capstone.widget.name"),
            placeholder=t("capstone.widget.name_placeholder"),
            style={"description_width": "initial"},
            layout=w.Layout(width="420px"),
        )
        self.button = button("capstone.widget.export", icon="file-pdf-o", style="primary")
        self.button.on_click(lambda _b: self.run())
        self.status = StatusLine()
        self.links = w.Output()
        self.missing_box = w.HTML()
        super().__init__(
            [w.HBox([self.name, self.button]), self.status, self.links, self.missing_box], **kwargs
        )

    def run(self) -> None:
        """Export now (what the button does)."""
        self.status.info(t("capstone.widget.working"))
        self.button.disabled = True
        try:
            result = self.export(self.wb, name=self.name.value)
        except CJMError as exc:
            self.status.fail(exc.message)
            return
        finally:
            self.button.disabled = False
        self.files = [str(p) for p in (result.pdf, result.html, result.certificate)]
        self.status.ok(t("capstone.export.written", folder=result.pdf.parent))
        # Markdown output, not an HTML widget: JupyterLab resolves the relative links of
        # rendered Markdown against the notebook, so a click opens the file.
        lines = []
        for path in (result.pdf, result.html, result.certificate):
            try:
                href = os.path.relpath(path, Path.cwd())
            except ValueError:  # another drive on Windows
                href = str(path)
            lines.append(f"- [{path.name}]({quote(Path(href).as_posix())})")
        text = "\n".join(lines)
        self.links.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/markdown": text, "text/plain": text},
                "metadata": {},
            },
        )
        # What is missing names the trainee's entries: escaped HTML, never Markdown.
        self.missing_box.value = (
            STYLE
            + f'<div class="cjm-info" style="white-space:pre-wrap">{esc(result.missing)}</div>'
        )
