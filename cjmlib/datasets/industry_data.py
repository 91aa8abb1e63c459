"""Read one industry's folder of data files and validate it as a whole.

An industry is one folder below ``cjmlib/datasets/industries/`` (adding a sixth industry
is adding a folder). Its files::

    industry.yaml      the entry in the catalogue (IndustryInfo)
    project.yaml       the workbook head: name, description, created, goal, phase_model
    segments.yaml ...  one file per workbook collection, a list of items (cjmlib.model)
    simulation.yaml    how the simulated customers behave (SimulationSettings)
    comments.yaml      which themes customers write about (IndustryComments)
    chapter_texts.yaml the chapters' sentences about this case (ChapterTexts)
    periods/<key>.yaml optional: a later data period of the same case and the review of
                       the map against it, as chapter 12 tells it (Period)

The workbook content is validated by the workbook's own models (``JourneyProject``
with ``extra="forbid"``); the other files by :mod:`cjmlib.datasets.settings`. Then the
files are checked against each other (every id a setting names exists in the workbook).
Every problem is reported at once, in German, with the file, the line and the key.

Extending the layout
--------------------
- A new industry: copy a folder, give it its own key (the folder name), ``order``, names
  and content, its own evidence rules and a later period whose ``review`` tells what the
  map's review finds in it (chapter 12 needs both; ``tests/test_living_map_period.py``
  checks that the period's data give the statuses the review names); run
  ``python -m cjmlib.datasets.generate --industry <key>``.
- A new field of a workbook model (say ``Touchpoint.thoughts`` for a "thoughts" lane or
  ``JourneyProject.scenario`` for a scenario line): add it to :mod:`cjmlib.model`; the
  data files accept the key at once (``PROJECT_KEYS`` is derived from the model), then
  regenerate and commit the shipped files (the byte test compares against them).
- A new kind of file (as ``chapter_texts.yaml`` with an industry's texts for the chapters,
  or ``periods/<name>.yaml`` with the :class:`SimulationSettings` of a later data period):
  add a model to :mod:`cjmlib.datasets.settings`, the name to ``FILES`` (an unknown file
  is an error, so a misspelled file name cannot be ignored) and a field to
  :class:`Industry`, and check its ids in ``_references``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cjmlib.datasets.settings import (
    ChapterTexts,
    CommentPhrases,
    ContentModel,
    IndustryComments,
    IndustryInfo,
    Period,
    Route,
    SimulationSettings,
)
from cjmlib.datasets.yamlfile import Loc, YamlFile
from cjmlib.errors import CJMError
from cjmlib.messages import get_language, t
from cjmlib.model import COLLECTIONS, JourneyProject, describe_allowed, model_label, preset

INDUSTRIES_DIR = Path(__file__).parent / "industries"
PHRASES_FILE = Path(__file__).parent / "comment_phrases.yaml"

INFO_FILE, PROJECT_FILE = "industry.yaml", "project.yaml"
SIMULATION_FILE, COMMENTS_FILE = "simulation.yaml", "comments.yaml"
TEXTS_FILE = "chapter_texts.yaml"
#: optional folder of later data periods, one ``<key>.yaml`` (a :class:`Period`) each.
PERIODS_DIR = "periods"
#: workbook collection -> the file that holds it.
COLLECTION_FILES: dict[str, str] = {name: f"{name}.yaml" for name in COLLECTIONS}
#: every file an industry folder has, in reading order.
FILES: tuple[str, ...] = (
    INFO_FILE,
    PROJECT_FILE,
    *COLLECTION_FILES.values(),
    SIMULATION_FILE,
    COMMENTS_FILE,
    TEXTS_FILE,
)
#: keys of ``project.yaml``: the project's fields that are not collections or derived.
PROJECT_KEYS: tuple[str, ...] = tuple(
    name
    for name in JourneyProject.model_fields
    if name not in COLLECTIONS and name not in ("industry", "progress")
)

M = TypeVar("M", bound=BaseModel)
#: Where a validation error's path points: the file and the path inside it.
_Locator = Callable[[Loc], tuple[YamlFile, Loc]]


@dataclass(frozen=True)
class Industry:
    """One industry's validated content: the sample workbook and the simulation input."""

    key: str
    folder: Path
    info: IndustryInfo
    project: JourneyProject
    simulation: SimulationSettings
    comments: IndustryComments
    phrases: CommentPhrases
    #: period key (file name without ``.yaml``) -> a later data period of the case.
    periods: dict[str, Period] = field(default_factory=dict)


def industry_name(info: IndustryInfo, field: Literal["name", "case"] = "name") -> str:
    """Return ``info.name`` (or ``info.case``) in the current message language."""
    text: str = getattr(getattr(info, field), get_language())
    return text


class _Problems:
    """Collects the problems of one folder and raises them together."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.items: list[str] = []

    def add(self, what: str, file: Path, /, **params: Any) -> None:
        """Add the message ``content_data.<what>`` about ``file``."""
        self.items.append(t(f"content_data.{what}", file=file, **params))

    def at(self, doc: YamlFile, loc: Loc, what: str, /, **params: Any) -> None:
        """Add the message ``content_data.<what>`` about the line of ``loc`` in ``doc``."""
        self.add(what, doc.path, line=doc.line_of(loc), **params)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        lines = list(dict.fromkeys(self.items))
        if len(lines) == 1:
            message = lines[0]
        else:
            shown = lines[:20]
            more = [t("content_data.more", count=len(lines) - len(shown))] if lines[20:] else []
            head = t("content_data.several", folder=self.folder, count=len(lines))
            message = "\n".join([head, *(f"- {line}" for line in shown), *more])
        raise CJMError(message, value=str(self.folder), details=lines)


# -- the catalogue ---------------------------------------------------------------------


def catalogue(root: Path = INDUSTRIES_DIR) -> dict[str, IndustryInfo]:
    """Return ``key -> IndustryInfo`` of every industry folder below ``root``, in order."""
    return dict(_catalogue(root.resolve()))


@cache
def _catalogue(root: Path) -> tuple[tuple[str, IndustryInfo], ...]:
    problems = _Problems(root)
    found: list[tuple[str, IndustryInfo]] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        info = _read_info(folder, problems)
        if info is not None:
            found.append((folder.name, info))
    problems.raise_if_any()
    return tuple(sorted(found, key=lambda item: (item[1].order, item[0])))


def _read_info(folder: Path, problems: _Problems) -> IndustryInfo | None:
    path = folder / INFO_FILE
    if not path.is_file():
        problems.add("missing_file", path, name=INFO_FILE, allowed=", ".join(FILES))
        return None
    doc = YamlFile.read(path)
    return _validate(IndustryInfo, doc.data, problems, _in(doc))


# -- one industry ------------------------------------------------------------------------


def load_industry(key: str, root: Path = INDUSTRIES_DIR) -> Industry:
    """Read, validate and cross-check the folder ``root/key``.

    Raises
    ------
    CJMError
        Listing every problem with file, line, key and what is allowed.
    """
    folder = root / key
    problems = _Problems(folder)
    if not folder.is_dir():
        allowed = ", ".join(catalogue(root)) if root.is_dir() else ""
        raise CJMError(
            t("content_data.no_folder", folder=folder, allowed=allowed or "–"),
            field="industry",
            value=key,
            allowed=allowed,
        )
    docs = _read_folder(folder, problems)
    problems.raise_if_any()

    info = _validate(IndustryInfo, docs[INFO_FILE].data, problems, _in(docs[INFO_FILE]))
    project = _validate_project(docs, info, problems)
    simulation = _validate(
        SimulationSettings, docs[SIMULATION_FILE].data, problems, _in(docs[SIMULATION_FILE])
    )
    comments = _validate(
        IndustryComments, docs[COMMENTS_FILE].data, problems, _in(docs[COMMENTS_FILE])
    )
    phrases = comment_phrases()
    problems.raise_if_any()
    # Each of them is None only with a problem, and problems were raised above.
    assert info is not None and project is not None
    assert simulation is not None and comments is not None

    _validate(ChapterTexts, docs[TEXTS_FILE].data, problems, _in(docs[TEXTS_FILE]))
    _cross_check(docs, info, project, simulation, comments, phrases, problems)
    periods = _read_periods(folder, project, simulation, problems)
    problems.raise_if_any()
    return Industry(key, folder, info, project, simulation, comments, phrases, periods)


@cache
def chapter_texts(key: str, root: Path = INDUSTRIES_DIR) -> ChapterTexts:
    """Return the chapters' texts about industry ``key``'s case (``chapter_texts.yaml``).

    Read on its own (not with the whole folder): a chapter needs only its texts.
    """
    path = root / key / TEXTS_FILE
    problems = _Problems(path.parent)
    if not path.is_file():
        problems.add("missing_file", path, name=TEXTS_FILE, allowed=", ".join(FILES))
        problems.raise_if_any()
    doc = YamlFile.read(path)
    texts = _validate(ChapterTexts, doc.data, problems, _in(doc))
    problems.raise_if_any()
    assert texts is not None
    return texts


def period_keys(key: str, root: Path = INDUSTRIES_DIR) -> list[str]:
    """The keys of the later data periods of industry ``key`` (sorted)."""
    return sorted(p.stem for p in (root / key / PERIODS_DIR).glob("*.yaml"))


def _read_periods(
    folder: Path, project: JourneyProject, sim: SimulationSettings, problems: _Problems
) -> dict[str, Period]:
    """Read and check ``periods/*.yaml``: every id a period names must exist."""
    found: dict[str, Period] = {}
    for path in sorted((folder / PERIODS_DIR).glob("*")):
        if path.name.startswith("."):
            continue
        if path.suffix != ".yaml":
            problems.add("unknown_file", path, name=path.name, allowed="<Periode>.yaml")
            continue
        doc = YamlFile.read(path)
        period = _validate(Period, doc.data, problems, _in(doc))
        if period is None:
            continue
        found[path.stem] = period
        tps = {tp.id for tp in project.touchpoints}
        phases = project.phase_model.ids
        ids = {
            "touchpoints": sorted(tps | set(period.unmapped)),
            "phases": phases,
            "routes": sorted(sim.all_routes()),
        }
        refs: list[tuple[Loc, str, str]] = []
        refs += [(("touchpoints", k), "touchpoints", k) for k in period.touchpoints]
        refs += [(("experience", k), "touchpoints", k) for k in period.experience]
        refs += [(("routes", k), "routes", k) for k in period.routes]
        for name, route in period.routes.items():
            steps = [*route.steps, *route.optional, *route.after]
            refs += [(("routes", name, "steps"), "touchpoints", s) for s in steps]
        for uid, unmapped in period.unmapped.items():
            refs.append((("unmapped", uid, "phase"), "phases", unmapped.phase))
            if uid in tps:
                problems.at(
                    doc,
                    ("unmapped", uid),
                    "model_error",
                    message=t("living_map.period.on_the_map", id=uid),
                )
        checks = [(loc, target, value, ids[target]) for loc, target, value in refs]
        for loc, target, value, allowed in checks + _review_refs(period, project):
            if value not in allowed:
                problems.at(
                    doc,
                    loc,
                    "unknown_reference",
                    value=value,
                    target=t(f"content_data.target.{target}"),
                    allowed=", ".join(allowed) or "–",
                )
    return found


def _review_refs(period: Period, project: JourneyProject) -> list[tuple[Loc, str, str, list[str]]]:
    """The ids the period's review names (its rules, collections and entries), each with
    where it stands, what kind of id it is and the ids allowed there."""
    rules = [r.id for r in project.evidence_rules]
    refs: list[tuple[Loc, str, str, list[str]]] = [
        (("review", "findings", i, "rule"), "evidence_rules", f.rule, rules)
        for i, f in enumerate(period.review.findings)
    ]
    for d, decision in enumerate(period.review.decisions):
        for c, change in enumerate(decision.changes):
            loc: Loc = ("review", "decisions", d, "changes", c)
            refs.append(((*loc, "collection"), "collections", change.collection, [*COLLECTIONS]))
            if change.id and change.collection in COLLECTIONS:
                entries = [str(getattr(e, "id", "")) for e in getattr(project, change.collection)]
                refs.append(((*loc, "id"), "entries", change.id, entries))
    return refs


@cache
def comment_phrases(path: Path = PHRASES_FILE) -> CommentPhrases:
    """Return the comment phrases every industry shares (``comment_phrases.yaml``)."""
    problems = _Problems(path.parent)
    doc = YamlFile.read(path)
    phrases = _validate(CommentPhrases, doc.data, problems, _in(doc))
    problems.raise_if_any()
    assert phrases is not None
    return phrases


def _read_folder(folder: Path, problems: _Problems) -> dict[str, YamlFile]:
    present = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    for name in sorted(present - set(FILES) - {PERIODS_DIR}):
        problems.add("unknown_file", folder / name, name=name, allowed=", ".join(FILES))
    docs: dict[str, YamlFile] = {}
    for name in FILES:
        if name in present:
            docs[name] = YamlFile.read(folder / name)
        else:
            problems.add("missing_file", folder / name, name=name, allowed=", ".join(FILES))
    return docs


def _in(doc: YamlFile) -> _Locator:
    return lambda loc: (doc, loc)


def _validate_project(
    docs: dict[str, YamlFile], info: IndustryInfo | None, problems: _Problems
) -> JourneyProject | None:
    head_doc = docs[PROJECT_FILE]
    head = head_doc.data if head_doc.data is not None else {}
    if not isinstance(head, dict):
        problems.at(head_doc, (), "not_a_mapping", keys=", ".join(PROJECT_KEYS))
        return None
    data: dict[str, Any] = {}
    for key, value in head.items():
        if key in PROJECT_KEYS:
            data[key] = value
        else:
            where = t("content_data.model.project_head")
            allowed = f"{', '.join(PROJECT_KEYS)} {t('content_data.project_keys_note')}"
            problems.at(head_doc, (key,), "unknown_key", key=key, where=where, allowed=allowed)
    phase_model = data.get("phase_model")
    if isinstance(phase_model, dict) and set(phase_model) == {"preset"}:
        try:
            data["phase_model"] = preset(phase_model["preset"]).model_dump()
        except CJMError as exc:
            problems.at(head_doc, ("phase_model", "preset"), "model_error", message=exc.message)
            return None
    if info is not None:
        data["industry"] = info.name.de
    for name, file in COLLECTION_FILES.items():
        value = docs[file].data
        data[name] = [] if value is None else value

    def locate(loc: Loc) -> tuple[YamlFile, Loc]:
        if loc and loc[0] in COLLECTION_FILES:
            return docs[COLLECTION_FILES[str(loc[0])]], loc[1:]
        return head_doc, loc

    return _validate(JourneyProject, data, problems, locate, docs=docs)


def _validate(
    model: type[M],
    data: Any,
    problems: _Problems,
    locate: _Locator,
    *,
    docs: dict[str, YamlFile] | None = None,
) -> M | None:
    """Validate ``data`` as ``model``; add every error with its file and line to ``problems``."""
    try:
        # The model's validator raises pydantic's ValidationError (a workbook model's
        # translated CJMError inside it), where model_validate would raise one sentence.
        result: M = model.__pydantic_validator__.validate_python(data)
    except ValidationError as exc:
        for loc, err in _raw_errors(exc):
            _explain(model, loc, err, problems, locate, docs)
        return None
    return result


def _raw_errors(exc: ValidationError, prefix: Loc = ()) -> Iterator[tuple[Loc, ErrorDetails]]:
    """Yield pydantic's own errors with their full path from the top of the data.

    A workbook model (:class:`cjmlib.model.CJMModel`) turns the errors of its fields into
    one German sentence in its ``__init__``, which pydantic calls for nested models too;
    the errors arrive as one ``CJMError`` per item. That ``CJMError`` is raised while the
    field errors are handled (``raise ... from None``), so Python keeps them as its
    ``__context__``: unwrapping it restores each error with its path (which touchpoint,
    which key), so the file line can be found.
    """
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        inner = (err.get("ctx") or {}).get("error")
        context = getattr(inner, "__context__", None)
        if isinstance(inner, CJMError) and isinstance(context, ValidationError):
            yield from _raw_errors(context, loc)
        else:
            yield loc, err


def _explain(
    model: type[BaseModel],
    full_loc: Loc,
    err: ErrorDetails,
    problems: _Problems,
    locate: _Locator,
    docs: dict[str, YamlFile] | None,
) -> None:
    doc, loc = locate(full_loc)
    inner = (err.get("ctx") or {}).get("error")
    if isinstance(inner, CJMError):
        # A check of the model itself (a dangling reference, an unknown phase ...): find
        # the line where the named value stands.
        _explain_model_error(inner, doc, loc, problems, docs)
        return
    owner, field, annotation = _owner(model, full_loc)
    key = field or (str(loc[-1]) if loc else "")
    where = _label(owner)
    if err["type"] == "model_type" and isinstance(_strip(annotation), type):
        keys = ", ".join(getattr(_strip(annotation), "model_fields", {}))
        problems.at(doc, loc, "not_a_mapping", keys=keys)
    elif err["type"] == "extra_forbidden":
        allowed = ", ".join(owner.model_fields)
        problems.at(doc, loc, "unknown_key", key=key, where=where, allowed=allowed)
    elif "[key]" in full_loc:  # a key of a mapping with a closed set of keys
        allowed = ", ".join(map(str, typing.get_args(_strip(annotation)))) or "–"
        problems.at(doc, loc, "unknown_key", key=key, where=where, allowed=allowed)
    elif err["type"] == "missing":
        allowed = _describe(owner, field, annotation)
        problems.at(doc, loc, "missing_key", key=key, where=where, allowed=allowed)
    else:
        allowed = _describe(owner, field, annotation)
        value = _show(err.get("input"))
        problems.at(doc, loc, "invalid_value", key=key, value=value, allowed=allowed)


def _explain_model_error(
    error: CJMError,
    doc: YamlFile,
    loc: Loc,
    problems: _Problems,
    docs: dict[str, YamlFile] | None,
) -> None:
    field = (error.field or "").rsplit(".", 1)[-1]
    if field and error.value is not None and docs:
        for other in docs.values():
            lines = other.lines_with(field, error.value)
            if lines:
                # A repeated id is wrong where it stands the second time.
                line = lines[-1] if field == "id" and len(lines) > 1 else lines[0]
                problems.add("model_error", other.path, line=line, message=error.message)
                return
    problems.at(doc, loc, "model_error", message=error.message)


def _strip(annotation: Any) -> Any:
    """Remove ``Annotated`` and ``| None`` around a type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _owner(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel], str, Any]:
    """Follow ``loc`` through the model's types: the model, field and type that failed."""
    owner, field, current = model, "", typing.cast(Any, model)
    parts = list(loc)
    for i, part in enumerate(parts):
        current = _strip(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return current, str(part), None
            owner, field, current = current, str(part), info.annotation
        elif origin in (list, tuple) and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif origin is dict:
            key_type, value_type = typing.get_args(current)
            is_key = i + 1 < len(parts) and parts[i + 1] == "[key]"
            current = key_type if is_key else value_type
            if is_key:
                field = str(part)
                break
    return owner, field, current


def _describe(owner: type[BaseModel], field: str, annotation: Any) -> str:
    annotation = _strip(annotation)
    if typing.get_origin(annotation) is Literal:
        return t("allowed.choices", choices=", ".join(map(str, typing.get_args(annotation))))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return t("content_data.allowed_mapping", keys=", ".join(annotation.model_fields))
    if typing.get_origin(annotation) is dict:
        return t("content_data.allowed_dict")
    return describe_allowed(owner, field)


def _label(owner: type[BaseModel]) -> str:
    if issubclass(owner, ContentModel):
        return t(f"content_data.model.{owner._label_key}")
    return model_label(owner)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# -- the files against each other -------------------------------------------------------------


def _cross_check(
    docs: dict[str, YamlFile],
    info: IndustryInfo,
    project: JourneyProject,
    sim: SimulationSettings,
    comments: IndustryComments,
    phrases: CommentPhrases,
    problems: _Problems,
) -> None:
    phases = project.phase_model.ids
    ids = {
        "touchpoints": [tp.id for tp in project.touchpoints],
        "pain_points": [pp.id for pp in project.pain_points],
        "segments": [s.id for s in project.segments],
        "phases": phases,
        "routes": list(sim.all_routes()),
        "themes": list({**phrases.themes, **comments.themes}),
    }
    for file, loc, target, value in _references(info, sim, comments):
        if value not in ids[target]:
            problems.at(
                docs[file],
                loc,
                "unknown_reference",
                value=value,
                target=t(f"content_data.target.{target}"),
                allowed=", ".join(ids[target]),
            )
    doc = docs[SIMULATION_FILE]
    for key, expected in (("segments", ids["segments"]), ("gap_hours", phases)):
        missing = [x for x in expected if x not in getattr(sim, key)]
        if missing:
            problems.at(doc, (key,), "missing_entries", key=key, missing=", ".join(missing))
    for seg_id, seg in sim.segments.items():
        if len(seg.advance) != len(phases) - 1:
            problems.at(
                doc,
                ("segments", seg_id, "advance"),
                "advance_count",
                expected=len(phases) - 1,
                count=len(seg.advance),
                phases=", ".join(phases),
            )


def _references(
    info: IndustryInfo, sim: SimulationSettings, comments: IndustryComments
) -> Iterator[tuple[str, Loc, str, str]]:
    """Yield ``(file, path, kind of target, value)`` for every id the settings name."""
    yield INFO_FILE, ("biggest_leak",), "phases", info.biggest_leak
    demo = info.track.rule_demo
    for name, rule in (
        ("survey", demo.survey),
        ("feedback", demo.feedback),
        ("builder", demo.builder),
    ):
        where = ("track", "rule_demo", name)
        target = "pain_points" if name == "feedback" else "touchpoints"
        yield INFO_FILE, (*where, "target"), target, rule.target
        yield INFO_FILE, (*where, "touchpoint_id"), "touchpoints", rule.touchpoint_id
        if rule.theme:
            yield INFO_FILE, (*where, "theme"), "themes", rule.theme
    s = SIMULATION_FILE
    yield s, ("purchase_phase",), "phases", sim.purchase_phase
    if sim.repeat.browse_phase is not None:
        yield s, ("repeat", "browse_phase"), "phases", sim.repeat.browse_phase
    for phase in sim.gap_hours:
        yield s, ("gap_hours", phase), "phases", phase
    for seg_id, seg in sim.segments.items():
        yield s, ("segments", seg_id), "segments", seg_id
        for name in seg.routes:
            yield s, ("segments", seg_id, "routes", name), "routes", name
    for name in sim.repeat.routes:
        yield s, ("repeat", "routes", name), "routes", name
    for tp_id, behaviour in sim.touchpoints.items():
        yield s, ("touchpoints", tp_id), "touchpoints", tp_id
        if behaviour.followed_by is not None:
            loc = ("touchpoints", tp_id, "followed_by")
            yield s, loc, "touchpoints", behaviour.followed_by
    routes: list[tuple[tuple[str, ...], Route]] = [
        (("routes", k), r) for k, r in sim.routes.items()
    ]
    routes += [(("repeat", "extra_routes", k), r) for k, r in sim.repeat.extra_routes.items()]
    for at, steps in routes:
        for i, step in enumerate(steps.steps):
            yield s, (*at, "steps", i), "touchpoints", step
        for step in steps.optional:
            yield s, (*at, "optional", step), "touchpoints", step
        for i, step in enumerate(steps.after):
            yield s, (*at, "after", i), "touchpoints", step
    c = COMMENTS_FILE
    for i, theme in enumerate(comments.default_themes):
        yield c, ("default_themes", i), "themes", theme
    for tp_id, themes in comments.touchpoint_themes.items():
        yield c, ("touchpoint_themes", tp_id), "touchpoints", tp_id
        for i, theme in enumerate(themes):
            yield c, ("touchpoint_themes", tp_id, i), "themes", theme
