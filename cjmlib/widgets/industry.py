"""The start page's industry picker: which industry's case the chapters show.

The widget knows nothing about files or sample data: it gets the choices and a ``save``
callable (in the course :func:`cjmlib.course.choose_industry`), so a test can drive it
without a browser and hand it any callable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets as tl

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.widgets.base import StatusLine


class IndustryPicker(w.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """Radio buttons of the five industries; a change is saved at once.

    ``choices`` maps each industry key to ``(name, one line about its case)``; ``value``
    (a trait) is the chosen key. ``save(key)`` stores the choice; when it fails, the
    German message shows in the status line and ``value`` goes back to the stored choice.
    """

    value = tl.Unicode("")

    def __init__(
        self,
        choices: Mapping[str, tuple[str, str]],
        value: str,
        *,
        save: Callable[[str], Path | None],
        **kwargs: Any,
    ) -> None:
        if value not in choices:
            raise CJMError(
                t("track.unknown_choice", value=value, choices=", ".join(choices)),
                field="value",
                value=value,
            )
        self.choices = dict(choices)
        self._save = save
        self._saved = value
        self.buttons = w.RadioButtons(
            options=[(f"{name} – {case}", key) for key, (name, case) in self.choices.items()],
            value=value,
            layout=w.Layout(width="auto"),
            style={"description_width": "0px"},
        )
        self.status = StatusLine()
        self.status.info(t("track.current", industry=self.choices[value][0]))
        super().__init__(
            [w.HTML(f"<b>{t('track.heading')}</b>"), self.buttons, self.status], **kwargs
        )
        self.value = value
        self.buttons.observe(self._on_pick, names="value")

    def _on_pick(self, change: dict[str, Any]) -> None:
        self.value = change["new"]

    @tl.observe("value")
    def _store(self, change: dict[str, Any]) -> None:
        key = change["new"]
        if key == self._saved:
            return
        if key not in self.choices:
            self.status.fail(t("track.unknown_choice", value=key, choices=", ".join(self.choices)))
            self.value = self._saved
            return
        try:
            self._save(key)
        except CJMError as exc:
            self.status.fail(str(exc))
            self.value = self.buttons.value = self._saved
            return
        self._saved = key
        self.buttons.value = key
        self.status.ok(t("track.saved", industry=self.choices[key][0]))
