"""Shared pieces of every builder: form fields from the model, inline errors, status, delete.

A builder is an ``ipywidgets`` box bound to a :class:`~cjmlib.workbook.Workbook`. Its
state lives in traitlets (``selected_id``, ``error``), every action is a method that a
button calls (so tests and notebooks can trigger it from code), and every change goes
through the workbook, which validates and saves it at once. Whatever the trainee types
stays in the field when it is invalid; the German message appears right below it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import types
import typing
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, Literal

import annotated_types
import ipywidgets as w
import traitlets as tl
from pydantic import ValidationError

from cjmlib.errors import CJMError
from cjmlib.messages import t
from cjmlib.model import EVIDENCE_KINDS, CJMModel, Evidence
from cjmlib.model.base import translate_validation_error
from cjmlib.workbook import Workbook

#: Placeholder value of reference dropdowns meaning "no entry chosen".
NONE = ""
#: Free-text fields that hold a few words, shown as one line instead of a text area.
SHORT_TEXTS = frozenset(
    {
        "occupation",
        "location",
        "device",
        "department",
        "owner",
        "source",
        "about",
        "metric",
        "kpi",
        "target",
        "success_criterion",
        "note",
    }
)
#: Source name of a reference field whose choices are the phases of the phase model.
PHASES = "__phases__"

STYLE = """<style>
.cjm-table{border-collapse:collapse;font-size:13px;width:100%;table-layout:auto}
.cjm-table th{background:#eef1f5;text-align:left;padding:4px 6px;border-bottom:2px solid #c9d1dc;
vertical-align:bottom;line-height:1.25}
.cjm-table td{padding:3px 6px;border-bottom:1px solid #e3e7ec;vertical-align:top;
overflow-wrap:break-word;line-height:1.35}
.cjm-table tr.cjm-sel td{background:#fff6d6}
.cjm-error{color:#b00020;font-size:12px;line-height:1.35;white-space:pre-wrap}
.cjm-ok{color:#1b6e20}.cjm-fail{color:#b00020;white-space:pre-wrap}.cjm-info{color:#37474f}
.cjm-ok,.cjm-fail,.cjm-info,.cjm-error{overflow-wrap:break-word;min-width:0}
.cjm-card{border:1px solid #c9d1dc;border-radius:8px;padding:10px 12px;background:#fbfcfe;
min-width:220px;max-width:340px;flex:1 1 260px;box-sizing:border-box;overflow-wrap:anywhere}
.cjm-card h4{margin:0 0 4px 0;font-size:16px}.cjm-card q{color:#455a64;font-style:italic}
.cjm-facts{margin-top:6px}.cjm-k{font-weight:600;font-size:12px;color:#37474f;margin-top:5px}
.cjm-v{font-size:13px;margin:0}
.cjm-cards{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}
.cjm-muted{color:#6b7785;font-size:12px}
.cjm-badge{display:inline-block;border-radius:4px;padding:0 4px;font-size:11px;
background:#e3e7ec;margin-left:2px}
.cjm-grid{display:grid;grid-template-columns:1fr 1fr;gap:6px}
.cjm-quad{border:1px solid #c9d1dc;border-radius:6px;padding:6px;min-height:60px}
.cjm-quad b{display:block;margin-bottom:3px}
.cjm-chart .vega-embed{max-width:100%;overflow:hidden}
.cjm-quiz .widget-radio-box label,.cjm-quiz .widget-checkbox label{white-space:normal;
height:auto;line-height:1.35;margin:2px 0;align-items:flex-start}
.cjm-quiz .widget-radio-box input,.cjm-quiz .widget-checkbox input{margin-top:3px;flex-shrink:0}
.cjm-quiz .widget-checkbox,.cjm-quiz .widget-radio{height:auto}
.cjm-chart .vega-embed canvas,.cjm-chart .vega-embed svg{max-width:100%;height:auto}
.cjm-case{margin:2px 0 6px 0;padding:6px 10px;background:#f6f8fa;border-left:3px solid #9aa7b5;
line-height:1.45}
.cjm-quiz .cjm-table{width:auto;margin:0 0 6px 0}
</style>"""


def esc(value: Any) -> str:
    """Escape any value for HTML (``<img ...>`` shows as text, never as markup)."""
    return html.escape("" if value is None else str(value), quote=True)


#: Characters without a space after which a table cell may break (see :func:`cell_html`).
_RUN = 30
_LONG_RUN = re.compile(rf"\S{{{_RUN + 1},}}")
_CODE = re.compile(r"`([^`]+)`")


def cell_html(value: Any) -> str:
    """``value`` escaped for a table cell, with a break opportunity (``<wbr>``) every 30
    characters of a long run without spaces (a URL, a 500-character name).

    The table's cells break only there and between words (``overflow-wrap:break-word``),
    never inside an ordinary word: with ``overflow-wrap:anywhere`` the browser squeezed
    narrow columns until "Umsetzungsplan" broke as "Umsetzungspla|n". Code in backticks
    (a hint such as ``wb.snapshot("Ist-Map")``) is set as code, without the backticks.
    """
    text = "" if value is None else str(value)
    pieces: list[str] = []
    last = 0
    for match in _LONG_RUN.finditer(text):
        run = match.group(0)
        pieces.append(esc(text[last : match.start()]))
        pieces.append("<wbr>".join(esc(run[i : i + _RUN]) for i in range(0, len(run), _RUN)))
        last = match.end()
    pieces.append(esc(text[last:]))
    return _CODE.sub(r"<code>\1</code>", "".join(pieces))


def listen(workbook: Workbook, method: Callable[[Workbook, str], None]) -> None:
    """Register a bound ``method`` with ``workbook.on_change`` without keeping its owner alive."""
    ref = weakref.WeakMethod(method)

    def callback(wb: Workbook, note: str) -> None:
        bound = ref()
        if bound is not None:
            bound(wb, note)

    workbook.on_change(callback)


def button(key: str, *, icon: str = "", style: str = "") -> w.Button:
    """A button labelled with the catalogue text ``key``, as wide as its label.

    ``style`` is ipywidgets' ``button_style`` ("primary", "success", "danger", ...).
    """
    layout = w.Layout(width="auto")
    return w.Button(description=t(key), icon=icon, button_style=style, layout=layout)


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters (with "…") for a status line or a question."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_of(item: Any) -> str:
    """The readable title of any entry (name, title, need, assumption or text)."""
    for attr in ("name", "title", "need", "assumption", "text"):
        if hasattr(item, attr):
            return str(getattr(item, attr))
    return str(getattr(item, "id", item))


def html_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    selected: int | None = None,
    empty: str = "",
) -> str:
    """One escaped HTML table; ``selected`` highlights a row (0-based)."""
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = []
    for i, row in enumerate(rows):
        cls = ' class="cjm-sel"' if i == selected else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{cell_html(v)}</td>" for v in row) + "</tr>")
    if not body and empty:
        body.append(f'<tr><td colspan="{len(columns)}" class="cjm-muted">{esc(empty)}</td></tr>')
    rows_html = "".join(body)
    return (
        f'<table class="cjm-table"><thead><tr>{head}</tr></thead><tbody>{rows_html}</tbody></table>'
    )


# -- field kinds -----------------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Return (inner type, metadata, optional) of a field annotation."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        annotation = args[0] if len(args) == 1 else annotation
    metadata: list[Any] = []
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        for extra in extras:
            metadata.extend(getattr(extra, "metadata", [extra]))
    return annotation, metadata, optional


def field_kind(model: type[CJMModel], name: str) -> tuple[str, Any]:
    """Decide which widget a model field gets: (kind, extra), read from its declaration."""
    info = model.model_fields[name]
    annotation, metadata, optional = _unwrap(info.annotation)
    metadata = [*metadata, *info.metadata]
    lo = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), None)
    hi = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), None)
    max_len = next((m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)), None)
    if typing.get_origin(annotation) is Literal:
        return "choice", tuple(typing.get_args(annotation))
    if annotation is bool:
        return "bool", None
    if annotation is int and not optional and lo is not None and hi is not None:
        return "score", (lo, hi)
    if annotation in (int, float):
        return "number", None
    if annotation is dt.date:
        return "date", None
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)[0]
        if inner is Evidence:
            return "evidence", None
        return "lines", None
    if annotation is str and (max_len or 0) >= 5000 and name not in SHORT_TEXTS:
        return "longtext", None
    return "text", None


def _default(model: type[CJMModel], name: str) -> Any:
    """The default of a field, or None for a required one."""
    info = model.model_fields[name]
    return None if info.is_required() else info.get_default(call_default_factory=True)


class _LenientUnicode(tl.Unicode[str, str | bytes]):
    """A text trait that also takes numbers (``field.value = 34`` from code)."""

    def validate(self, obj: Any, value: Any) -> Any:
        if value is None:
            value = ""
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        return super().validate(obj, value)


class NumberText(w.Text):
    """A text box for numbers: whatever is typed stays visible, even "abc" (then an error)."""

    value = _LenientUnicode(help="String value").tag(sync=True)


class EvidenceEditor(w.VBox):
    """Edit a list of evidence items (kind, source, about, note); ``value`` is the list."""

    value: tl.List[Any] = tl.List()

    def __init__(self, **kwargs: Any) -> None:
        labels = Evidence.labels()
        wide = w.Layout(width="auto", flex="1 1 140px")
        self.kind = w.Dropdown(
            options=list(EVIDENCE_KINDS), value="Interview", layout=w.Layout(width="150px")
        )
        self.source = w.Text(placeholder=labels["source"], layout=wide)
        self.about = w.Text(placeholder=labels["about"], layout=wide)
        self.note = w.Text(placeholder=labels["note"], layout=wide)
        self.add_button = button("widgets.evidence.add", icon="plus")
        self.remove_choice = w.Dropdown(
            options=[], layout=w.Layout(width="auto", max_width="260px")
        )
        self.remove_button = button("widgets.evidence.remove", icon="minus")
        self.listing = w.HTML()
        self._remove_row = w.HBox(
            [self.remove_choice, self.remove_button], layout=w.Layout(align_items="center")
        )
        self.add_button.on_click(lambda _: self.add())
        self.remove_button.on_click(lambda _: self.remove())
        super().__init__(
            [
                self.listing,
                w.HBox(
                    [self.kind, self.source, self.about, self.note, self.add_button],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self._remove_row,
            ],
            **kwargs,
        )
        self._redraw()

    def add(self) -> None:
        """Append the evidence typed in the small form (source may stay empty)."""
        item = {
            "kind": self.kind.value,
            "source": self.source.value.strip(),
            "about": self.about.value.strip(),
            "note": self.note.value.strip(),
        }
        self.value = [*self.value, item]
        self.source.value = self.about.value = self.note.value = ""

    def remove(self) -> None:
        """Remove the evidence chosen in the dropdown."""
        idx = self.remove_choice.value
        if idx is None or not 0 <= idx < len(self.value):
            return
        self.value = [e for i, e in enumerate(self.value) if i != idx]

    @tl.observe("value")
    def _redraw(self, _change: Any = None) -> None:
        rows = [
            (e.get("kind", ""), e.get("source", ""), e.get("about", ""), e.get("note", ""))
            for e in self.value
        ]
        labels = Evidence.labels()
        self.listing.value = STYLE + html_table(
            [labels["kind"], labels["source"], labels["about"], labels["note"]],
            rows,
            empty=t("widgets.evidence.none"),
        )
        self._remove_row.layout.display = "flex" if self.value else "none"
        self.remove_choice.options = [
            (f"{i + 1}: {e.get('kind', '')} – {e.get('source', '')}", i)
            for i, e in enumerate(self.value)
        ]


def inline_message(exc: CJMError) -> str:
    """A short German message for the slot under a field: the value, what is allowed."""
    if not exc.allowed:
        return exc.message
    value = exc.value
    if value in (None, "", []):
        return t("widgets.common.invalid_empty", allowed=exc.allowed)
    shown = str(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return t("widgets.common.invalid", value=shown, allowed=exc.allowed)


def field_error(model: type[CJMModel], name: str, value: Any) -> str:
    """The German message for one field's value, or "" when the value fits the field."""
    if name not in model.model_fields:
        return ""
    try:
        model.__pydantic_validator__.validate_assignment(model.model_construct(), name, value)
    except ValidationError as exc:
        return inline_message(translate_validation_error(model, exc))
    except CJMError as exc:
        return inline_message(exc)
    return ""


def field_errors(model: type[CJMModel], data: dict[str, Any]) -> dict[str, str]:
    """Check ``data`` field by field; return ``field -> German message`` for each bad one."""
    errors: dict[str, str] = {}
    for name, value in data.items():
        message = field_error(model, name, value)
        if message:
            errors[name] = message
    if not errors:
        try:
            model.model_validate(data)
        except CJMError as exc:
            errors[exc.field if exc.field in data else ""] = exc.message
    return errors


class ModelForm(w.VBox):
    """Input fields for some fields of a model, each with its German label and error slot.

    ``form["age"]`` is the widget of a field (set ``.value`` from code as a trainee would
    type). :meth:`values` reads the typed values, :meth:`set_values` fills them in,
    :meth:`show_errors` puts messages under the fields concerned (values stay as typed).
    """

    error = tl.Unicode("")

    def __init__(
        self,
        model: type[CJMModel],
        fields: Sequence[str],
        *,
        refs: dict[str, tuple[str, bool]] | None = None,
        suggestions: dict[str, Sequence[str]] | None = None,
        columns: int = 2,
        **kwargs: Any,
    ) -> None:
        self.model = model
        self.names = list(fields)
        self.refs = dict(refs or {})
        self.kinds: dict[str, str] = {}
        self.fields: dict[str, w.Widget] = {}
        self.errors: dict[str, w.HTML] = {}
        self.labels = model.labels()
        self._filling = False
        self._messages: dict[str, str] = {}  # field ("" = whole form) -> message shown
        rows: list[w.Widget] = []
        pending: list[w.Widget] = []

        def flush() -> None:
            while len(pending) < columns and pending:
                pending.append(w.Box(layout=w.Layout(flex="1 1 0", min_width="0")))
            if pending:
                rows.append(w.HBox(list(pending), layout=w.Layout(width="100%")))
            pending.clear()

        for name in self.names:
            widget = self._make(name, (suggestions or {}).get(name))
            widget.add_class(f"cjm-field-{name}")  # stable hooks for browser tests
            # Check a field as soon as it changes, so the message comes (and goes) while
            # the trainee types, not only when "Speichern" is clicked.
            widget.observe(lambda _change, name=name: self._check_field(name), "value")
            self.fields[name] = widget
            self.errors[name] = w.HTML("", layout=w.Layout(margin="0 0 2px 0"))
            # A checkbox carries its label itself; an empty line keeps the rows aligned.
            text = "" if self.kinds[name] == "bool" else self.labels[name]
            label = w.Label(text, layout=w.Layout(margin="4px 0 0 0", min_height="18px"))
            wide = self.kinds[name] in ("longtext", "evidence", "multiref") or columns == 1
            cell = w.VBox(
                [label, widget, self.errors[name]],
                layout=w.Layout(flex="1 1 0", min_width="0", margin="0 12px 0 0"),
            )
            if wide:
                flush()
                rows.append(w.HBox([cell], layout=w.Layout(width="100%")))
            else:
                pending.append(cell)
                if len(pending) == columns:
                    flush()
        flush()
        self.general_error = w.HTML("")
        grid = w.VBox(rows, layout=w.Layout(width="100%"))
        super().__init__([grid, self.general_error], **kwargs)

    def __getitem__(self, name: str) -> w.Widget:
        return self.fields[name]

    def _make(self, name: str, suggestions: Sequence[str] | None) -> w.Widget:
        full = w.Layout(width="auto")
        if name in self.refs:
            _collection, multiple = self.refs[name]
            self.kinds[name] = "multiref" if multiple else "ref"
            if multiple:
                return w.SelectMultiple(options=[], rows=4, layout=full)
            return w.Dropdown(
                options=[(t("widgets.common.none_choice"), NONE)], value=NONE, layout=full
            )
        kind, extra = field_kind(self.model, name)
        self.kinds[name] = kind
        default = _default(self.model, name)
        if kind == "choice":
            return w.Dropdown(
                options=list(extra), value=default if default in extra else None, layout=full
            )
        if kind == "bool":
            return w.Checkbox(
                value=bool(default), indent=False, description=self.labels[name], layout=full
            )
        if kind == "score":
            return w.IntText(
                value=default if isinstance(default, int) else extra[0],
                layout=w.Layout(width="120px"),
            )
        if kind == "number":
            return NumberText(value="" if default is None else default, layout=full)
        if kind == "date":
            return w.DatePicker(value=default, layout=w.Layout(width="180px"))
        if kind == "evidence":
            return EvidenceEditor(layout=full)
        if kind == "lines":
            return w.Textarea(placeholder=t("widgets.common.lines_hint"), rows=3, layout=full)
        if kind == "longtext":
            return w.Textarea(rows=3, layout=full)
        if suggestions:
            return w.Combobox(options=list(suggestions), ensure_option=False, layout=full)
        return w.Text(layout=full)

    # -- reading and filling -------------------------------------------------------
    def set_choices(self, name: str, options: Sequence[tuple[str, str]]) -> None:
        """Set the (label, id) options of a reference field, keeping the current choice."""
        widget = self.fields[name]
        if self.kinds[name] == "multiref":
            keep = tuple(v for v in widget.value if v in {o[1] for o in options})
            widget.options = list(options)
            widget.value = keep
        else:
            keep = widget.value
            opts = [(t("widgets.common.none_choice"), NONE), *options]
            widget.options = opts
            widget.value = keep if keep in {o[1] for o in opts} else NONE

    def value_of(self, name: str) -> Any:
        widget, kind = self.fields[name], self.kinds[name]
        value = widget.value
        if kind == "number":
            text = value.strip()
            if not text:
                return None
            return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
        if kind == "ref":
            return value or None
        if kind == "multiref":
            return list(value)
        if kind == "lines":
            return [line.strip() for line in value.replace(";", "\n").splitlines() if line.strip()]
        if kind == "evidence":
            return [dict(e) for e in value]
        if isinstance(value, str):
            return value.strip()
        return value

    def _check_field(self, name: str) -> None:
        if self._filling or self.kinds.get(name) in ("ref", "multiref"):
            return  # references are checked against the workbook on save
        message = field_error(self.model, name, self.value_of(name))
        if message:
            self._messages[name] = message
            self.errors[name].value = STYLE + f'<div class="cjm-error">⚠ {esc(message)}</div>'
        else:
            self._messages.pop(name, None)
            self.errors[name].value = ""
        self.error = "\n".join(self._messages.values())

    def values(self) -> dict[str, Any]:
        """The typed values, converted for the model (blank number -> None, lines -> list)."""
        return {name: self.value_of(name) for name in self.names}

    def set_values(self, data: dict[str, Any]) -> None:
        """Fill the fields from an entry's data (missing fields get their defaults)."""
        self._filling = True
        try:
            self._fill(data)
        finally:
            self._filling = False
        self.clear_errors()

    def _fill(self, data: dict[str, Any]) -> None:
        for name in self.names:
            value = data[name] if name in data else _default(self.model, name)
            widget, kind = self.fields[name], self.kinds[name]
            if kind == "lines":
                widget.value = "\n".join(value or [])
            elif kind == "evidence":
                widget.value = [
                    e.model_dump() if isinstance(e, CJMModel) else dict(e) for e in value or []
                ]
            elif kind == "ref":
                allowed = {o[1] for o in widget.options}
                widget.value = value if value in allowed else NONE
            elif kind == "multiref":
                allowed = {o[1] for o in widget.options}
                widget.value = tuple(v for v in value or [] if v in allowed)
            elif kind == "number":
                widget.value = "" if value is None else str(value)
            elif kind == "choice":
                widget.value = value if value in widget.options else None
            else:
                widget.value = (
                    value if value is not None else ("" if kind in ("text", "longtext") else None)
                )

    def reset(self) -> None:
        """Empty the form (every field back to its default)."""
        self.set_values({})

    # -- errors ------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each message under its field (unknown fields below the form)."""
        self.clear_errors()
        self._messages = dict(errors)
        general = []
        for name, message in errors.items():
            box = self.errors.get(name)
            text = f'<div class="cjm-error">⚠ {esc(message)}</div>'
            if box is None:
                general.append(text)
            else:
                box.value = STYLE + text
        self.general_error.value = STYLE + "".join(general) if general else ""
        self.error = "\n".join(errors.values())

    def clear_errors(self) -> None:
        self._messages = {}
        for box in self.errors.values():
            box.value = ""
        self.general_error.value = ""
        self.error = ""

    def report(self, errors: dict[str, str], status: StatusLine) -> str:
        """After a save: ``errors`` under their fields and "not saved" in ``status``, or no marks.

        Returns the error text for the owner's ``error`` ("" when the save went through).
        """
        if not errors:
            self.clear_errors()
            return ""
        self.show_errors(errors)
        status.fail(t("widgets.common.not_saved"))
        return "\n".join(errors.values())


class ObjectForm(w.VBox):
    """A form for one object of the workbook (the goal, the project's name): load, save.

    Subclasses say which model and fields, how to read the saved values (:meth:`_saved`)
    and how to store new ones (:meth:`_store`). ``value`` holds the saved values,
    ``error`` the messages of the last save; showing the form writes nothing.
    """

    value = tl.Dict()
    error = tl.Unicode("")
    title_key = ""
    hint_key = ""
    save_key = "widgets.common.save"

    def __init__(
        self,
        workbook: Workbook,
        model: type[CJMModel],
        fields: Sequence[str],
        *,
        suggestions: dict[str, Sequence[str]] | None = None,
        below: Sequence[w.Widget] = (),
        **kwargs: Any,
    ) -> None:
        self.wb = workbook
        self.model = model
        self.form = ModelForm(model, fields, suggestions=suggestions)
        self.save_button = w.Button(
            description=t(self.save_key),
            icon="save",
            button_style="primary",
            layout=w.Layout(width="auto", flex="0 0 auto"),
        )
        self.save_button.add_class("cjm-save")
        self.status = StatusLine(layout=w.Layout(flex="1 1 auto", min_width="0"))
        self.save_button.on_click(lambda _: self.save())
        super().__init__(
            [
                w.HTML(f"<h3>{esc(t(self.title_key))}</h3>"),
                w.HTML(f'<div class="cjm-muted">{esc(t(self.hint_key))}</div>'),
                self.form,
                w.HBox([self.save_button, self.status], layout=w.Layout(align_items="center")),
                *below,
            ],
            **kwargs,
        )
        self._load()
        listen(workbook, self._on_workbook_change)

    def _saved(self) -> dict[str, Any]:
        raise NotImplementedError

    def _store(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def _saved_message(self) -> str:
        raise NotImplementedError

    def _load(self) -> None:
        self.value = self._saved()
        self.form.set_values(self.value)

    def _on_workbook_change(self, _wb: Workbook, _note: str) -> None:
        saved = self._saved()
        if saved != self.value:
            # Changed elsewhere (another cell or builder): show it unless typing is pending.
            typed = self.form.values()
            pending = {k: v for k, v in typed.items() if v != self.value.get(k)}
            self.value = saved
            if not pending:
                self.form.set_values(saved)

    def save(self) -> bool:
        """Validate and save; on errors nothing changes and the fields keep the text."""
        data = self.form.values()
        errors = field_errors(self.model, data)
        if not errors:
            try:
                self._store(data)
            except CJMError as exc:
                errors = {exc.field or "": exc.message}
        self.error = self.form.report(errors, self.status)
        if errors:
            return False
        self.value = self._saved()
        self.status.ok(self._saved_message())
        return True


class StatusLine(w.HTML):
    """One line telling what just happened: saved (green), not saved (red), or a hint."""

    message = tl.Unicode("")
    kind = tl.Unicode("info")

    def ok(self, message: str) -> None:
        self.kind, self.message = "ok", message

    def fail(self, message: str) -> None:
        self.kind, self.message = "fail", message

    def info(self, message: str) -> None:
        self.kind, self.message = "info", message

    @tl.observe("message", "kind")
    def _draw(self, _change: Any) -> None:
        icon = {"ok": "✓ ", "fail": "⚠ "}.get(self.kind, "")
        self.value = (
            STYLE + f'<div class="cjm-{self.kind}">{icon}{esc(self.message)}</div>'
            if self.message
            else ""
        )


class ConfirmDelete(w.HBox):
    """A delete button that asks first: "Wirklich löschen?" with yes and cancel.

    ``button.click()`` asks, ``yes_button.click()`` runs ``on_confirm()``,
    ``no_button.click()`` cancels. ``pending`` tells whether the question is open.
    """

    pending = tl.Bool(False)

    def __init__(self, on_confirm: Callable[[], None], **kwargs: Any) -> None:
        self._on_confirm = on_confirm
        self.button = button("widgets.common.delete", icon="trash")
        self.question = w.HTML()
        self.yes_button = button("widgets.common.confirm_delete", style="danger")
        self.no_button = button("widgets.common.cancel")
        self._confirm_box = w.HBox(
            [self.question, self.yes_button, self.no_button],
            layout=w.Layout(display="none"),
        )
        self.button.on_click(lambda _: self.ask())
        self.yes_button.on_click(lambda _: self.confirm())
        self.no_button.on_click(lambda _: self.cancel())
        super().__init__([self.button, self._confirm_box], **kwargs)
        self.what = ""

    def ask(self, what: str | None = None) -> None:
        if what is not None:
            self.what = what
        self.question.value = STYLE + (
            f'<span class="cjm-fail">{esc(t("widgets.common.really_delete", what=self.what))}'
            "</span>"
        )
        self.pending = True

    def confirm(self) -> None:
        if self.pending:
            self.pending = False
            self._on_confirm()

    def cancel(self) -> None:
        self.pending = False

    @tl.observe("pending")
    def _toggle(self, change: Any) -> None:
        self._confirm_box.layout.display = "flex" if change["new"] else "none"
        self.button.layout.display = "none" if change["new"] else "flex"


class LiveChart(w.VBox):
    """A chart from ``cjmlib.charts`` when that module is there, else an HTML fallback.

    ``chart`` holds the last ``alt.Chart`` drawn (None while the fallback is shown);
    ``chart_error`` says why the fallback is shown although the charts exist.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.output = w.Output(layout=w.Layout(width="100%"))
        self.fallback = w.HTML()
        self.chart: Any = None
        self.chart_error = ""
        self._key: Any = None
        # The style scales a chart wider than the notebook down to the cell's width.
        super().__init__([w.HTML(STYLE), self.output, self.fallback], **kwargs)
        self.add_class("cjm-chart")

    def show(
        self,
        chart_name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        fallback: Callable[[], str],
        *,
        key: Any = None,
    ) -> None:
        """Draw ``cjmlib.charts.<chart_name>(*args, **kwargs)``; skip it if ``key`` is unchanged.

        ``key`` summarises the data the chart shows; an edit that leaves it as it was
        (e.g. a note) keeps the chart on screen instead of building it again.
        """
        if key is not None and key == self._key:
            return
        self._key = key
        # Imported on first draw: loading altair takes seconds, a form should not wait.
        from cjmlib import charts
        from cjmlib.charts.render import chart_bundle

        func = getattr(charts, chart_name)
        if func is not None:
            try:
                chart = func(*args, **kwargs)
                self.output.outputs = (
                    {"output_type": "display_data", "data": chart_bundle(chart), "metadata": {}},
                )
                self.chart = chart
                self.chart_error = ""
                self.fallback.value = ""
                return
            except Exception as exc:  # a chart problem must not block editing: show the table
                self.chart_error = f"{type(exc).__name__}: {exc}"
        self.chart = None
        self.output.outputs = ()
        self.fallback.value = STYLE + fallback()


class RecordEditor(w.VBox):
    """Edit one collection of the workbook: choose an entry, change it in a form, save.

    Traits
    ------
    selected_id:
        The id of the entry in the form ("" while a new entry is being typed).
    error:
        The current error messages ("" when the last save worked).
    """

    selected_id = tl.Unicode("")
    error = tl.Unicode("")
    collection = ""
    fields: tuple[str, ...] = ()
    refs: ClassVar[dict[str, tuple[str, bool]]] = {}
    suggestions: ClassVar[dict[str, Sequence[str]]] = {}
    form_columns = 2
    title_key = ""

    def __init__(self, workbook: Workbook, **kwargs: Any) -> None:
        self.wb = workbook
        self.items = getattr(workbook, self.collection)
        self.model = self.items.model
        self.form = ModelForm(
            self.model,
            self.fields,
            refs=self.refs,
            suggestions=self.suggestions,
            columns=self.form_columns,
        )
        self._syncing = False
        self._selector_options: list[tuple[str, str]] = []
        self.selector = w.Dropdown(
            options=[(t("widgets.common.new_entry"), NONE)],
            value=NONE,
            layout=w.Layout(width="auto", min_width="280px", max_width="520px"),
        )
        self.new_button = button("widgets.common.new", icon="plus")
        self.save_button = button("widgets.common.save", icon="save", style="primary")
        self.duplicate_button = button("widgets.common.duplicate", icon="copy")
        self.delete = ConfirmDelete(self._delete_confirmed)
        self.delete_button = self.delete.button
        self.status = StatusLine()
        for widget, css in (
            (self.save_button, "cjm-save"),
            (self.selector, "cjm-selector"),
            (self.status, "cjm-status"),
        ):
            widget.add_class(css)
        self.table = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        self.new_button.on_click(lambda _: self.new())
        self.save_button.on_click(lambda _: self.save())
        self.duplicate_button.on_click(lambda _: self.duplicate())
        self.delete.button.on_click(lambda _: self._ask_delete())
        self.selector.observe(self._on_selector, "value")
        self.form.observe(self._on_form_error, "error")
        self.toolbar = w.HBox(
            [
                w.Label(t("widgets.common.entry")),
                self.selector,
                self.new_button,
                self.duplicate_button,
                self.delete,
            ],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        # The button keeps its size; a long status message wraps beside it.
        self.save_button.layout.flex = "0 0 auto"
        self.status.layout = w.Layout(flex="1 1 auto", min_width="0")
        self.actions = w.HBox(
            [self.save_button, self.status], layout=w.Layout(align_items="center")
        )
        super().__init__(self._layout(), **kwargs)
        self._refresh_choices()
        self._refresh_selector()
        self._update_state()
        listen(workbook, self._on_workbook_change)

    # -- layout, to be extended ----------------------------------------------------------
    def _layout(self) -> list[w.Widget]:
        head = [w.HTML(f"<h3>{esc(t(self.title_key))}</h3>")] if self.title_key else []
        return [*head, self.toolbar, self.form, self.actions, self.table]

    def _update_state(self) -> None:
        """Recompute views that depend on the workbook (tables, cards, charts)."""
        self.duplicate_button.disabled = not self.selected_id
        self.delete.button.disabled = not self.selected_id
        columns = self.columns()
        if columns:
            entries = self._entries()
            ids = [i.id for i in entries]
            selected = ids.index(self.selected_id) if self.selected_id in ids else None
            self.table.value = STYLE + html_table(
                [c[0] for c in columns],
                ([c[1](i) for c in columns] for i in entries),
                selected=selected,
                empty=t("widgets.common.empty_table"),
            )

    def columns(self) -> list[tuple[str, Callable[[Any], Any]]]:
        """The table's columns: (German header, value of an entry). Empty: no table."""
        return []

    def _entries(self) -> list[Any]:
        """Entries offered in the selector, in display order."""
        return list(self.items)

    def _label(self, item: Any) -> str:
        return title_of(item)

    # -- workbook -> view --------------------------------------------------------------
    def _refresh_choices(self) -> None:
        for name, (source, _multiple) in self.refs.items():
            if source == PHASES:
                options = [(p.name, p.id) for p in self.wb.phase_model.phases]
            else:
                options = [(title_of(i), i.id) for i in getattr(self.wb, source)]
            self.form.set_choices(name, options)

    def _refresh_selector(self) -> None:
        options = [(t("widgets.common.new_entry"), NONE)]
        options += [(self._label(i), i.id) for i in self._entries()]
        ids = {o[1] for o in options}
        keep = self.selected_id if self.selected_id in ids else NONE
        if options != self._selector_options:
            # Changing the options resets the dropdown for a moment; that must not look
            # like a new choice (it would reload the form and drop what is being typed).
            self._syncing = True
            try:
                self.selector.options = options
                self.selector.value = keep
            finally:
                self._syncing = False
            self._selector_options = options
        if keep != self.selected_id:
            self.selected_id = keep

    def _on_workbook_change(self, _wb: Workbook, _note: str) -> None:
        self._refresh_choices()
        self._refresh_selector()
        self._update_state()

    def _on_form_error(self, change: Any) -> None:
        """Follow the form's live checks: a fixed form is no longer "not saved"."""
        if self.error or change["new"]:
            self.error = change["new"]
        if not change["new"] and self.status.kind == "fail":
            self.status.info(t("widgets.common.fixed"))

    def _on_selector(self, change: Any) -> None:
        if not self._syncing:
            self.selected_id = change["new"] or NONE

    @tl.observe("selected_id")
    def _on_selected(self, change: Any) -> None:
        if self.selector.value != change["new"] and change["new"] in {
            o[1] for o in self.selector.options
        }:
            self.selector.value = change["new"]
        if change["new"]:
            item = self.items.get(change["new"])
            if item is not None:
                self.form.set_values(item.model_dump())
        self.error = ""
        self._update_state()

    # -- actions ---------------------------------------------------------------------------
    def select(self, key: Any) -> None:
        """Load the entry ``key`` (id or name) into the form."""
        self.selected_id = self.items[key].id

    def new(self) -> None:
        """Start a new, empty entry (nothing is saved until :meth:`save`)."""
        self.selected_id = NONE
        self.form.reset()
        self.status.info(t("widgets.common.new_hint", what=self._what()))
        self._after_new()

    def _after_new(self) -> None:
        pass

    def _what(self) -> str:
        return t(f"model.{self.model._label_key}")

    def _extra_values(self) -> dict[str, Any]:
        return {}

    def save(self) -> bool:
        """Validate the form and save it as a new or the selected entry; False on errors."""
        data = {**self.form.values(), **self._extra_values()}
        current = self.items.get(self.selected_id) if self.selected_id else None
        full = {**(current.model_dump() if current is not None else {}), **data}
        errors = field_errors(self.model, full)
        if not errors:
            try:
                saved = (
                    self.items.update(self.selected_id, **data)
                    if current is not None
                    else self.items.add(**data)
                )
            except CJMError as exc:
                errors = {exc.field if exc.field in self.form.fields else "": exc.message}
        self.error = self.form.report(errors, self.status)
        if errors:
            return False
        # The workbook's change listener has already redrawn the views.
        self.selected_id = saved.id
        self.status.ok(t("widgets.common.saved", what=self._what(), name=short(title_of(saved))))
        return True

    def duplicate(self) -> Any:
        """Save a copy of the selected entry (named "… (Kopie)") and select it."""
        if not self.selected_id:
            return None
        item = self.items[self.selected_id].model_dump()
        item.pop("id", None)
        for attr in ("name", "title", "need", "assumption", "text"):
            if attr in item:
                item[attr] = t("widgets.common.copy_of", name=item[attr])[:500]
                break
        try:
            copy = self.items.add(**item)
        except CJMError as exc:
            self.status.fail(exc.message)
            return None
        self.selected_id = copy.id
        self.status.ok(t("widgets.common.duplicated", name=short(title_of(copy))))
        return copy

    def _ask_delete(self) -> None:
        if self.selected_id:
            self.delete.ask(short(title_of(self.items[self.selected_id])))

    def _delete_confirmed(self) -> None:
        if not self.selected_id:
            return
        try:
            gone = self.items.remove(self.selected_id, cascade=True)
        except CJMError as exc:
            self.status.fail(exc.message)
            return
        self.selected_id = NONE
        self.form.reset()
        self.status.ok(t("widgets.common.deleted", name=short(title_of(gone))))
