"""The trainee's workbook: one JSON file per journey project that never loses an edit."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cjmlib.errors import CJMError, WorkbookError
from cjmlib.messages import t
from cjmlib.model import (
    COLLECTIONS,
    ChapterProgress,
    Goal,
    JourneyProject,
    PhaseModel,
    Scenario,
    preset,
)
from cjmlib.workbook import storage
from cjmlib.workbook.collection import Collection
from cjmlib.workbook.diff import ProjectDiff, compare_projects
from cjmlib.workbook.migrations import SCHEMA_VERSION, migrate

MAX_VERSIONS = 50
CURRENT = None  # compare()/snapshot arguments: None stands for the current state

_VERSION_RE = re.compile(r"^r(\d{6,})_(.+)\.json$")


@dataclass(frozen=True)
class Version:
    """One automatically kept earlier version of the workbook."""

    revision: int
    saved_at: str
    path: Path


@dataclass(frozen=True)
class SnapshotInfo:
    """A named state of the project, e.g. "Iteration 1"."""

    name: str
    taken_at: str
    revision: int


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _readable(when: str | None) -> str:
    if not when:
        return "?"
    try:
        return dt.datetime.fromisoformat(when).strftime("%d.%m.%Y %H:%M:%S")
    except ValueError:
        return when


class Workbook:
    """A journey project on disk, filled chapter by chapter.

    Open (or create) one with :meth:`Workbook.open`. Every change through the workbook's
    methods and collections is validated, then saved at once: atomically (a crash leaves
    the old or the new file), under a file lock, after reloading what another kernel may
    have saved in between. Earlier versions are kept in the folder ``<file>.versionen``.

    Examples
    --------
    >>> wb = Workbook.open("mein_projekt.cjm.json")          # doctest: +SKIP
    >>> wb.personas.add(name="Lena", age=34)                  # doctest: +SKIP
    """

    def __init__(self, path: Path, document: dict[str, Any], stamp: Any) -> None:
        self.path = path
        self._doc = document
        self._project = JourneyProject.model_validate(document["project"])
        self._stamp = stamp
        self._batch: JourneyProject | None = None
        self._listeners: list[Callable[[Workbook, str], None]] = []
        for name in COLLECTIONS:
            setattr(self, name, Collection(self, name))

    segments: Collection
    personas: Collection
    needs: Collection
    touchpoints: Collection
    pain_points: Collection
    solutions: Collection
    hypotheses: Collection
    feedback: Collection
    actions: Collection
    reviews: Collection

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        template: JourneyProject | None = None,
        name: str | None = None,
        industry: str | None = None,
    ) -> Workbook:
        """Open the workbook at ``path``; create it (from ``template`` if given) if missing.

        Raises
        ------
        WorkbookError
            If the file is broken (the message offers the last good version), comes from
            a newer version of cjmlib, or cannot be written.
        """
        path = Path(path).expanduser()
        if path.is_dir():
            raise WorkbookError(t("workbook.not_a_file", path=path), path=str(path))
        if not path.parent.exists():
            raise WorkbookError(t("workbook.no_directory", path=path.parent), path=str(path))
        with storage.locked(path):
            storage.remove_stale_temp_files(path.parent, f".{path.name}.")
            storage.remove_stale_temp_files(cls.versions_dir(path), ".r")
            if path.exists():
                return cls._load(path)
            project = template.model_copy(deep=True) if template else JourneyProject()
            if name:
                project.name = name
            if industry:
                project.industry = industry
            doc = {
                "format": storage.FORMAT,
                "schema_version": SCHEMA_VERSION,
                "revision": 0,
                "saved_at": None,
                "project": None,
                "snapshots": [],
            }
            wb = cls.__new__(cls)
            cls.__init__(wb, path, {**doc, "project": project.model_dump(mode="json")}, None)
            wb._write(project)
            return wb

    @classmethod
    def _read_document(cls, path: Path) -> tuple[dict[str, Any], Any]:
        """Read and migrate the document at ``path``; raise a German error if it is bad."""
        stamp = storage.file_stamp(path)
        raw = path.read_bytes()
        try:
            doc = storage.decode(path, raw)
            found = doc.get("schema_version")
            if not isinstance(found, int) or isinstance(found, bool) or found < 1:
                raise WorkbookError(
                    t("workbook.unknown_schema", path=path, found=found, known=SCHEMA_VERSION),
                    path=str(path),
                )
            if found > SCHEMA_VERSION:
                raise WorkbookError(
                    t("workbook.newer_schema", path=path, found=found, known=SCHEMA_VERSION),
                    path=str(path),
                )
            doc, found = migrate(doc)
            if found < SCHEMA_VERSION:
                cls._keep_original(path, raw, found)
            JourneyProject.model_validate(doc["project"])
            for snap in doc.get("snapshots", []):
                JourneyProject.model_validate(snap["project"])
        except WorkbookError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            problem = (
                str(exc)
                if isinstance(exc, ValueError) and not isinstance(exc, CJMError)
                else t("workbook.invalid_content", reason=exc)
            )
            raise cls._corrupt(path, problem) from None
        return doc, stamp

    @classmethod
    def _load(cls, path: Path) -> Workbook:
        doc, stamp = cls._read_document(path)
        return cls(path, doc, stamp)

    @staticmethod
    def _keep_original(path: Path, raw: bytes, version: int) -> None:
        """Before a migrated file is ever rewritten, keep the original bytes beside it."""
        backup = path.with_name(f"{path.name}.schema{version}.bak")
        if not backup.exists():
            storage.atomic_write(backup, raw)

    # -- versions and recovery ---------------------------------------------------
    @staticmethod
    def versions_dir(path: str | os.PathLike[str]) -> Path:
        path = Path(path)
        return path.with_name(path.name + ".versionen")

    @classmethod
    def _list_versions(cls, path: Path) -> list[Version]:
        folder = cls.versions_dir(path)
        if not folder.is_dir():
            return []
        found = []
        for entry in folder.iterdir():
            m = _VERSION_RE.match(entry.name)
            if m:
                found.append(Version(int(m.group(1)), m.group(2).replace("_", ":"), entry))
        return sorted(found, key=lambda v: v.revision)

    @classmethod
    def _last_good(cls, path: Path) -> tuple[Version, dict[str, Any]] | None:
        for version in reversed(cls._list_versions(path)):
            try:
                doc, _ = cls._read_document(version.path)
            except CJMError:
                continue
            return version, doc
        return None

    @classmethod
    def _corrupt(cls, path: Path, problem: str) -> WorkbookError:
        good = cls._last_good(path) if path.exists() else None
        broken_name = f"{path.name}.defekt-<Zeitpunkt>"
        if good:
            version, _ = good
            offer = t(
                "workbook.offer_last_good",
                when=_readable(version.saved_at),
                file=version.path.name,
                path=path,
                broken_name=broken_name,
            )
        else:
            offer = t("workbook.offer_none")
        # The template adds its own full stop after the problem.
        problem = problem.rstrip().rstrip(".")
        return WorkbookError(
            t("workbook.corrupt", path=path, problem=problem, offer=offer),
            path=str(path),
            last_good=str(good[0].path) if good else None,
        )

    @classmethod
    def recover(cls, path: str | os.PathLike[str]) -> Workbook:
        """Put the last good version back in place; the broken file is kept beside it."""
        path = Path(path)
        with storage.locked(path):
            good = cls._last_good(path)
            if good is None:
                raise WorkbookError(t("workbook.no_good_version", path=path), path=str(path))
            version, _doc = good
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            broken = path.with_name(f"{path.name}.defekt-{stamp}")
            counter = 1
            while broken.exists():  # never overwrite a broken file kept earlier
                counter += 1
                broken = path.with_name(f"{path.name}.defekt-{stamp}-{counter}")
            if path.exists():
                os.replace(path, broken)
            storage.atomic_write(path, version.path.read_bytes())
            wb = cls._load(path)
        wb.recovered_from = version
        wb.recovery_message = t(
            "workbook.recovered", when=_readable(version.saved_at), broken=broken.name
        )
        return wb

    def history(self) -> list[Version]:
        """The automatically kept versions, oldest first (at most the last 50)."""
        return self._list_versions(self.path)

    def version(self, revision: int) -> JourneyProject:
        """The project as it was saved in ``revision``."""
        for v in self.history():
            if v.revision == revision:
                doc, _ = self._read_document(v.path)
                return JourneyProject.model_validate(doc["project"])
        allowed = ", ".join(str(v.revision) for v in self.history())
        raise CJMError(
            t("workbook.no_version", revision=revision, allowed=allowed),
            field="revision",
            value=revision,
            allowed=allowed,
        )

    def restore_version(self, revision: int) -> None:
        """Make ``revision`` the current state again (saved as a new revision)."""
        old = self.version(revision)
        self._commit(lambda p: self._replace_project(p, old), note=f"restore r{revision}")

    # -- state ---------------------------------------------------------------------
    @property
    def revision(self) -> int:
        self._refresh()
        return int(self._doc["revision"])

    @property
    def saved_at(self) -> str | None:
        self._refresh()
        return self._doc.get("saved_at")

    @property
    def project(self) -> JourneyProject:
        """A copy of the current project (change it through the workbook's methods)."""
        return self._current().model_copy(deep=True)

    def _current(self) -> JourneyProject:
        if self._batch is not None:
            return self._batch
        self._refresh()
        return self._project

    def _refresh(self) -> None:
        """Reload if another kernel saved since we last read or wrote the file."""
        stamp = storage.file_stamp(self.path)
        if stamp is not None and stamp != self._stamp:
            doc, stamp = self._read_document(self.path)
            self._doc = doc
            self._project = JourneyProject.model_validate(doc["project"])
            self._stamp = stamp

    def reload(self) -> None:
        """Read the file again."""
        self._stamp = None
        self._refresh()

    def on_change(self, callback: Callable[[Workbook, str], None]) -> None:
        """Call ``callback(workbook, note)`` after every saved change (for live views)."""
        self._listeners.append(callback)

    # -- saving --------------------------------------------------------------------
    def _commit(self, mutate: Callable[[JourneyProject], Any], *, note: str) -> None:
        """Apply ``mutate`` to a copy, validate the whole project, then save it.

        If anything fails, the workbook (in memory and on disk) stays as it was.
        """
        if self._batch is not None:
            work = self._batch.model_copy(deep=True)
            mutate(work)
            self._batch = JourneyProject.model_validate(work.model_dump())
            return
        with storage.locked(self.path):
            self._refresh()
            work = self._project.model_copy(deep=True)
            mutate(work)
            new = JourneyProject.model_validate(work.model_dump())
            self._write(new)
        for listener in list(self._listeners):
            listener(self, note)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Workbook]:
        """Group several changes into one save: all of them are kept, or none."""
        if self._batch is not None:
            yield self
            return
        with storage.locked(self.path):
            self._refresh()
            self._batch = self._project.model_copy(deep=True)
            try:
                yield self
                new = self._batch
            finally:
                self._batch = None
            self._write(new)
        for listener in list(self._listeners):
            listener(self, "batch")

    def _write(
        self, project: JourneyProject, snapshots: list[dict[str, Any]] | None = None
    ) -> None:
        doc = {
            "format": storage.FORMAT,
            "schema_version": SCHEMA_VERSION,
            "revision": int(self._doc.get("revision", 0)) + 1,
            "saved_at": _now(),
            "project": project.model_dump(mode="json"),
            "snapshots": self._doc.get("snapshots", []) if snapshots is None else snapshots,
        }
        data = storage.encode(doc)
        try:
            storage.atomic_write(self.path, data)
        except OSError as exc:
            raise WorkbookError(
                t("workbook.read_only", path=self.path, reason=exc.strerror), path=str(self.path)
            ) from None
        self._doc, self._project = doc, project
        self._stamp = storage.file_stamp(self.path)
        self._keep_version(doc["revision"], doc["saved_at"], data)

    def _keep_version(self, revision: int, saved_at: str, data: bytes) -> None:
        folder = self.versions_dir(self.path)
        try:
            folder.mkdir(exist_ok=True)
            name = f"r{revision:06d}_{saved_at.replace(':', '_')}.json"
            # Not fsynced: the main file already is; a lost backup copy loses no edit.
            storage.atomic_write(folder / name, data, durable=False)
            for old in self._list_versions(self.path)[:-MAX_VERSIONS]:
                old.path.unlink(missing_ok=True)
        except OSError:
            pass  # the history is a convenience; the main file is saved

    # -- project-wide settings -----------------------------------------------------
    def set_project_info(self, **fields: Any) -> JourneyProject:
        """Set ``name``, ``industry`` or ``description`` of the project."""
        allowed = {"name", "industry", "description"}

        def apply(p: JourneyProject) -> None:
            for key, value in fields.items():
                if key not in allowed:
                    raise CJMError(
                        t(
                            "error.unknown_field",
                            model=t("model.project"),
                            field=key,
                            allowed=", ".join(sorted(allowed)),
                        ),
                        field=key,
                    )
                setattr(p, key, value)

        self._commit(apply, note="project")
        return self.project

    @property
    def goal(self) -> Goal:
        return self._current().goal.model_copy(deep=True)

    def set_goal(self, **fields: Any) -> Goal:
        """Set the business goal, the customer goal and KPIs (step 1)."""
        self._commit(lambda p: setattr(p, "goal", p.goal.copy_with(**fields)), note="goal")
        return self.goal

    @property
    def scenario(self) -> Scenario:
        return self._current().scenario.model_copy(deep=True)

    def set_scenario(self, **fields: Any) -> Scenario:
        """Set the map's scenario line: ``situation`` and ``expectation`` (step 6)."""
        self._commit(
            lambda p: setattr(p, "scenario", p.scenario.copy_with(**fields)), note="scenario"
        )
        return self.scenario

    @property
    def phase_model(self) -> PhaseModel:
        return self._current().phase_model.model_copy(deep=True)

    def set_phase_model(
        self, model: PhaseModel | str | list[str], *, mapping: dict[str, str] | None = None
    ) -> PhaseModel:
        """Switch to another phase model: a preset key, a list of names, or a PhaseModel.

        Touchpoints keep their phase where the new model has a phase of the same id or
        name; ``mapping`` ({"old phase": "new phase"}) moves the others. Without a home
        for every touchpoint nothing changes and the error lists what is missing.
        """
        if isinstance(model, str):
            new_model = preset(model)
        elif isinstance(model, list):
            new_model = PhaseModel(phases=model)
        else:
            new_model = model.model_copy(deep=True)

        def apply(p: JourneyProject) -> None:
            old = p.phase_model
            moves: dict[str, str] = {}
            for src, dst in (mapping or {}).items():
                moves[old.resolve(src, field="mapping")] = new_model.resolve(dst, field="mapping")
            unmapped: dict[str, int] = {}

            def target(phase_id: str) -> str | None:
                if phase_id in moves:
                    return moves[phase_id]
                try:
                    return new_model.resolve(phase_id)
                except CJMError:
                    try:
                        return new_model.resolve(old.name_of(phase_id))
                    except CJMError:
                        return None

            # Touchpoints, pain points and feedback all keep a phase: none may lose it.
            moved: list[tuple[object, str]] = []
            for coll in ("touchpoints", "pain_points", "feedback"):
                for item in getattr(p, coll):
                    if not item.phase:
                        continue
                    dst = target(item.phase)
                    if dst is None:
                        name = old.name_of(item.phase)
                        unmapped[name] = unmapped.get(name, 0) + 1
                    else:
                        moved.append((item, dst))
            if unmapped:
                raise CJMError(
                    t(
                        "error.phases_unmapped",
                        count=sum(unmapped.values()),
                        phases=", ".join(unmapped),
                        allowed=", ".join(new_model.names),
                    ),
                    field="mapping",
                    value=mapping,
                    allowed=", ".join(new_model.names),
                )
            for item, dst in moved:
                object.__setattr__(item, "phase", dst)
            p.phase_model = new_model

        self._commit(apply, note="phase model")
        return self.phase_model

    def rename_phase(self, phase: str, new_name: str) -> PhaseModel:
        """Rename one phase; its touchpoints stay with it (they refer to its id)."""

        def apply(p: JourneyProject) -> None:
            pm = p.phase_model
            pid = pm.resolve(phase)
            phases = [
                {**ph.model_dump(), "name": new_name} if ph.id == pid else ph.model_dump()
                for ph in pm.phases
            ]
            p.phase_model = PhaseModel(name=pm.name, preset=None, phases=phases)

        self._commit(apply, note="rename phase")
        return self.phase_model

    # -- progress (checklists, knowledge checks) -----------------------------------
    def progress(self, chapter: str) -> ChapterProgress:
        return self._current().progress.get(chapter, ChapterProgress()).model_copy(deep=True)

    def set_progress(self, chapter: str, **fields: Any) -> ChapterProgress:
        """Save checklist ticks, quiz answers or the quiz score of ``chapter``."""

        def apply(p: JourneyProject) -> None:
            current = p.progress.get(chapter, ChapterProgress())
            merged = current.model_dump()
            for key, value in fields.items():
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    merged[key] = {**merged[key], **value}
                else:
                    merged[key] = value
            p.progress = {**p.progress, chapter: ChapterProgress.model_validate(merged)}

        self._commit(apply, note=f"progress {chapter}")
        return self.progress(chapter)

    # -- snapshots -----------------------------------------------------------------
    def snapshots(self) -> list[SnapshotInfo]:
        """The named states, oldest first."""
        self._refresh()
        return [
            SnapshotInfo(s["name"], s["taken_at"], s["revision"])
            for s in self._doc.get("snapshots", [])
        ]

    def snapshot(self, name: str, *, overwrite: bool = False) -> SnapshotInfo:
        """Keep the current state under ``name`` (e.g. "Iteration 1")."""
        name = name.strip()
        if not name:
            raise CJMError(
                t(
                    "error.invalid_value",
                    model=t("model.project"),
                    label="Name",
                    field="name",
                    value="''",
                    allowed=t("allowed.text_nonempty"),
                ),
                field="name",
                value=name,
            )
        with storage.locked(self.path):
            self._refresh()
            snaps = [s for s in self._doc.get("snapshots", []) if s["name"] != name]
            if len(snaps) != len(self._doc.get("snapshots", [])) and not overwrite:
                raise CJMError(t("workbook.snapshot_exists", name=name), field="name", value=name)
            snaps.append(
                {
                    "name": name,
                    "taken_at": _now(),
                    "revision": int(self._doc["revision"]) + 1,
                    "project": self._project.model_dump(mode="json"),
                }
            )
            self._write(self._project, snapshots=snaps)
        return self.snapshots()[-1]

    def snapshot_project(self, name: str) -> JourneyProject:
        """The project as it was when snapshot ``name`` was taken."""
        self._refresh()
        for s in self._doc.get("snapshots", []):
            if s["name"] == name:
                return JourneyProject.model_validate(s["project"])
        allowed = ", ".join(s.name for s in self.snapshots()) or t("allowed.none_yet")
        raise CJMError(
            t("workbook.no_snapshot", name=name, allowed=allowed),
            field="name",
            value=name,
            allowed=allowed,
        )

    def _state(self, ref: str | int | None) -> tuple[JourneyProject, str]:
        if ref is None:
            return self.project, t("workbook.state_current")
        if isinstance(ref, int):
            return self.version(ref), f"r{ref}"
        return self.snapshot_project(ref), ref

    def compare(self, before: str | int | None, after: str | int | None = CURRENT) -> ProjectDiff:
        """What was added, changed and removed between two states.

        ``before`` and ``after`` are snapshot names, revision numbers, or ``None`` for
        the current state.
        """
        a, a_label = self._state(before)
        b, b_label = self._state(after)
        return compare_projects(a, b, before_label=a_label, after_label=b_label)

    def restore(self, name: str) -> JourneyProject:
        """Make snapshot ``name`` the current state (the state before stays in the history)."""
        old = self.snapshot_project(name)
        self._commit(lambda p: self._replace_project(p, old), note=f"restore {name}")
        return self.project

    @staticmethod
    def _replace_project(target: JourneyProject, source: JourneyProject) -> None:
        for key in JourneyProject.model_fields:
            object.__setattr__(target, key, getattr(source, key))

    def __repr__(self) -> str:
        p = self._current()
        counts = ", ".join(
            f"{t(f'collection.{c}')}: {len(getattr(p, c))}" for c in COLLECTIONS if getattr(p, c)
        )
        return f"<Workbook {self.path.name!r} r{self._doc['revision']} – {p.name}; {counts}>"


def copy_workbook(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Workbook:
    """Copy a workbook file (not its versions) to ``dst`` and open the copy."""
    shutil.copyfile(src, dst)
    return Workbook.open(dst)
