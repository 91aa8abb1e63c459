"""The validated base of every domain model.

pydantic checks the values; this module turns its errors into one :class:`CJMError`
whose German message names the field (with its label), the value given and what is
allowed, so a trainee never sees a raw pydantic traceback.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import types
import typing
import uuid
from typing import Any, ClassVar, Literal, Self

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationError

from cjmlib.errors import CJMError
from cjmlib.messages import has, t


def new_id(prefix: str) -> str:
    """Return a short, unique id such as ``tp-3f9a1c2b``."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def field_label(model: type[BaseModel] | str, field: str) -> str:
    """Return the German (or current language's) label of ``model.field``."""
    name = model if isinstance(model, str) else getattr(model, "_label_key", model.__name__)
    key = f"field.{name.lower()}.{field}"
    if has(key):
        return t(key)
    common = f"field.common.{field}"
    if has(common):
        return t(common)
    return t(f"collection.{field}") if has(f"collection.{field}") else field


def unknown_field_text(
    model: type[BaseModel] | str,
    field: str,
    *,
    label: str | None = None,
    fields: list[str] | None = None,
) -> str:
    """The message for a field ``field`` that ``model`` does not have.

    ``label`` and ``fields`` default to the model class's name and fields. The fields are
    English, the tables' headers German: a trainee who writes the header (``alter``) or
    misspells a field (``chanel``) is told which field was meant.
    """
    if not isinstance(model, str):
        label = label or model_label(model)
        fields = fields if fields is not None else list(model.model_fields)
    assert label is not None and fields is not None, "a model named by key needs both"
    typed = field.casefold()
    headers = {f: field_label(model, f) for f in fields}
    by_header = [f for f, header in headers.items() if header.casefold() == typed]
    if not by_header:
        words = {f: header.casefold().split()[0] for f, header in headers.items() if header}
        by_header = [f for f, word in words.items() if word.strip("(:") == typed]
    close = by_header or difflib.get_close_matches(typed, fields, n=1, cutoff=0.8)
    suggestion = ""
    if close:
        meant = close[0]
        suggestion = t("error.field_meant", field=meant, label=headers[meant])
    return t(
        "error.unknown_field",
        model=label,
        field=field,
        suggestion=suggestion,
        allowed=", ".join(fields),
    )


def model_label(model: type[BaseModel]) -> str:
    """Return the readable name of a model class, e.g. "Touchpoint" or "Persona"."""
    return t(f"model.{getattr(model, '_label_key', model.__name__).lower()}")


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def describe_allowed(model: type[BaseModel], field: str) -> str:
    """Describe in words what ``model.field`` accepts, read from its declaration."""
    info = model.model_fields.get(field)
    if info is None:
        return t("allowed.known_fields", fields=", ".join(model.model_fields))
    annotation = _strip_optional(info.annotation)
    metadata = list(info.metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extras = typing.get_args(annotation)
        for extra in extras:
            metadata.extend(getattr(extra, "metadata", [extra]))
    lo = hi = min_len = None
    for meta in metadata:
        if isinstance(meta, annotated_types.Ge):
            lo = meta.ge
        elif isinstance(meta, annotated_types.Le):
            hi = meta.le
        elif isinstance(meta, annotated_types.MinLen):
            min_len = meta.min_length
    if typing.get_origin(annotation) is Literal:
        return t("allowed.choices", choices=", ".join(map(str, typing.get_args(annotation))))
    if annotation is bool:
        return t("allowed.bool")
    if annotation is int and lo is not None and hi is not None:
        return t("allowed.int_range", lo=lo, hi=hi)
    if annotation in (int, float) and lo is not None and hi is not None:
        return t("allowed.number_range", lo=lo, hi=hi)
    if annotation in (int, float):
        return t("allowed.number")
    if annotation is _dt.date:
        return t("allowed.date")
    if annotation is _dt.datetime:
        return t("allowed.datetime")
    if annotation is str:
        return t("allowed.text_nonempty") if min_len else t("allowed.text")
    if typing.get_origin(annotation) is list:
        return t("allowed.list")
    return t("allowed.generic")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def translate_validation_error(model: type[BaseModel], exc: ValidationError) -> CJMError:
    """Turn a pydantic ``ValidationError`` into one German :class:`CJMError`."""
    lines: list[str] = []
    first: dict[str, Any] = {}
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        loc = [p for p in err["loc"] if isinstance(p, str)]
        field = loc[0] if loc else ""
        if isinstance(inner, CJMError):
            lines.append(inner.message)
            if not first:
                first = {"field": inner.field, "value": inner.value, "allowed": inner.allowed}
            continue
        owner: type[BaseModel] = model
        # A nested model (e.g. a phase inside a phase model) is described by its own class.
        for part in loc[:-1]:
            sub = owner.model_fields.get(part)
            sub_type = _strip_optional(sub.annotation) if sub else None
            if typing.get_origin(sub_type) is list:
                sub_type = typing.get_args(sub_type)[0]
            if isinstance(sub_type, type) and issubclass(sub_type, BaseModel):
                owner = sub_type
        field = loc[-1] if loc else field
        if err["type"] == "missing":
            allowed = describe_allowed(owner, field)
            lines.append(
                t(
                    "error.missing",
                    model=model_label(owner),
                    label=field_label(owner, field),
                    field=field,
                    allowed=allowed,
                )
            )
            value = None
        elif err["type"] == "extra_forbidden":
            allowed = ", ".join(owner.model_fields)
            value = err.get("input")
            lines.append(unknown_field_text(owner, str(field)))
        else:
            allowed = describe_allowed(owner, field)
            value = err.get("input")
            lines.append(
                t(
                    "error.invalid_value",
                    model=model_label(owner),
                    label=field_label(owner, field),
                    field=field,
                    value=_show(value),
                    allowed=allowed,
                )
            )
        if not first:
            first = {"field": field, "value": value, "allowed": allowed}
    message = "\n".join(dict.fromkeys(lines))
    return CJMError(message, **first)


class CJMModel(BaseModel):
    """Base of all domain models: validated on creation and on every assignment."""

    model_config = ConfigDict(
        validate_assignment=True,
        extra="forbid",
        str_strip_whitespace=True,
        populate_by_name=True,
    )
    _label_key: ClassVar[str]

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise translate_validation_error(type(self), exc) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise translate_validation_error(type(self), exc) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:  # type: ignore[override]
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise translate_validation_error(cls, exc) from None

    @classmethod
    def model_validate_json(  # type: ignore[override]
        cls, json_data: Any, *args: Any, **kwargs: Any
    ) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise translate_validation_error(cls, exc) from None

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Return ``field -> label`` in the current language, for forms and tables."""
        return {name: field_label(cls, name) for name in cls.model_fields}

    @classmethod
    def value_labels(cls) -> dict[str, dict[str, str]]:
        """Return ``field -> {stored value -> label}`` for fields that store codes.

        A table shows the label instead of the code (``"ces"`` → "CES (Mittelwert)");
        fields that store what the trainee typed need none.
        """
        return {}

    def copy_with(self, **changes: Any) -> Self:
        """Return a validated copy with ``changes`` applied."""
        data = self.model_dump()
        data.update(changes)
        return type(self).model_validate(data)
