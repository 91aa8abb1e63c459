"""The trainee's workbook: one JSON file per journey project that never loses an edit.

How a save stays safe (see also :mod:`cjmlib.workbook.storage`):

- Every change is validated on a copy, then written under the lock after reloading what
  another kernel saved in between: to a temporary file, fsynced, renamed over the main
  file, the folder fsynced. Only then is the copy for the history written (``<file>.versionen``),
  so the history never holds a state that was not saved.
- Revision numbers only grow: the next one is one more than both the file's and every
  kept version's number, so ``version(n)`` names one state.
- A missing main file with history beside it is an error that names the last good
  version; nothing is created over it. ``recover()`` keeps a copy of the broken file and
  then replaces the main file in one atomic step, so there is never a moment without one.
- A symbolic link is followed (the real file is written, the link stays); the file mode
  is kept; the lock and the history belong to the real file.
- Changes inside ``batch()`` live in the calling thread only; other threads wait for the
  lock instead of writing into (or losing their edit with) someone else's batch.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cjmlib.errors import CJMError, WorkbookError
from cjmlib.files import os_reason, real_path, write_file
from cjmlib.files.atomic import temp_prefix
from cjmlib.messages import t
from cjmlib.messages.choices import unknown_choice
from cjmlib.model import (
    COLLECTIONS,
    ChapterProgress,
    Goal,
    JourneyProject,
    PhaseModel,
    Scenario,
    preset,
    unknown_field_text,
)
from cjmlib.model.phases import PHASED_COLLECTIONS
from cjmlib.workbook import storage
from cjmlib.workbook.collection import Collection, Mutation
from cjmlib.workbook.diff import ProjectDiff, compare_projects
from cjmlib.workbook.document import DamagedFile, Document, SchemaProblem, parse
from cjmlib.workbook.migrations import SCHEMA_VERSION

MAX_VERSIONS = 50
CURRENT = None  # compare()/snapshot arguments: None stands for the current state

_VERSION_RE = re.compile(r"^r(\d{6,})_(.+)\.json$")
_REVISION_IN_TEXT = re.compile(rb'"revision"\s*:\s*(\d{1,30})')

Snapshot = dict[str, Any]
WriteAction = Literal["save", "create"]


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


@dataclass(frozen=True)
class _Saved:
    """What the file held when this process last read or wrote it."""

    document: Document
    stamp: storage.FileStamp | None


@dataclass
class _Batch:
    """Changes collected by ``batch()`` in one thread, written together at its end."""

    project: JourneyProject
    snapshots: list[Snapshot] = field(default_factory=list)


@dataclass(frozen=True)
class _Backup:
    """The original bytes of a migrated file, still to be kept before the first save."""

    path: Path
    raw: bytes


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _readable(when: str | None) -> str:
    if not when:
        return "?"
    try:
        return dt.datetime.fromisoformat(when).strftime("%d.%m.%Y %H:%M:%S")
    except ValueError:
        return when


def _validated(project: JourneyProject) -> JourneyProject:
    """Validate the whole project again (cross references, phases), as a fresh object."""
    fresh: JourneyProject = JourneyProject.model_validate(project.model_dump())
    return fresh


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

    def __init__(
        self,
        path: Path,
        real: Path,
        document: Document,
        stamp: storage.FileStamp | None,
        backup: _Backup | None = None,
    ) -> None:
        self.path = path
        self._file = real
        self._saved = _Saved(document, stamp)
        self._backup = backup
        self._local = threading.local()
        self._listeners: list[Callable[[Workbook, str], None]] = []
        self.recovered_from: Version | None = None
        self.recovery_message: str | None = None
        for name in COLLECTIONS:
            setattr(self, name, Collection(name, current=self._current, commit=self._commit))

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

        A folder that cannot be written (read-only, no permission) still opens an existing
        workbook for reading; every change then says in German why it cannot be saved.

        Raises
        ------
        WorkbookError
            If the file is broken (the message offers the last good version), is missing
            while its history is there, comes from a newer version of cjmlib, or cannot be
            read or created.
        """
        given = Path(path).expanduser()
        real = real_path(given)
        try:
            if real.is_dir():
                raise WorkbookError(t("workbook.not_a_file", path=given), path=str(given))
            if not real.parent.is_dir():
                raise WorkbookError(t("workbook.no_directory", path=given.parent), path=str(given))
            try:
                with storage.locked(real):
                    storage.remove_stale_temp_files(real.parent, temp_prefix(real))
                    storage.remove_stale_temp_files(cls.versions_dir(real), ".r")
                    if real.exists():
                        return cls._load(given, real)
                    cls._refuse_missing_with_history(given, real)
                    return cls._create(given, real, template, name, industry)
            except OSError as exc:
                if exc.filename == storage.lock_path(real) and real.is_file():
                    # No lock file in a read-only folder. Reading is safe without it: saves
                    # replace the file atomically, so a reader never sees half of one.
                    return cls._load(given, real)
                raise
        except OSError as exc:
            exists = False
            with contextlib.suppress(OSError):
                exists = real.exists()
            key = "workbook_files.cannot_read" if exists else "workbook_files.cannot_create"
            raise WorkbookError(
                t(key, path=given, reason=os_reason(exc)), path=str(given)
            ) from None

    @classmethod
    def _create(
        cls,
        given: Path,
        real: Path,
        template: JourneyProject | None,
        name: str | None,
        industry: str | None,
    ) -> Workbook:
        project = template.model_copy(deep=True) if template else JourneyProject()
        if name:
            project.name = name
        if industry:
            project.industry = industry
        wb = cls(given, real, Document(0, None, project), None)
        wb._write(project, action="create")
        return wb

    @classmethod
    def _refuse_missing_with_history(cls, given: Path, real: Path) -> None:
        """A missing main file with versions beside it is never replaced by an empty project."""
        versions = cls._list_versions(real)
        if not versions:
            return
        folder = cls.versions_dir(real)
        good = cls._last_good(real)
        if good is None:
            raise WorkbookError(
                t("workbook_files.missing_history_unreadable", path=given, folder=folder.name),
                path=str(given),
            )
        version, _ = good
        raise WorkbookError(
            t(
                "workbook_files.missing_with_history",
                path=given,
                folder=folder.name,
                count=len(versions),
                when=_readable(version.saved_at),
                file=version.path.name,
            ),
            path=str(given),
            last_good=str(version.path),
        )

    @classmethod
    def _parse_file(cls, real: Path) -> tuple[Document, storage.FileStamp, bytes]:
        """Read and check ``real``; raises DamagedFile, SchemaProblem or OSError."""
        raw, stamp = storage.read_file(real)
        return parse(raw), stamp, raw

    @classmethod
    def _read(cls, given: Path, real: Path) -> tuple[Document, storage.FileStamp, bytes]:
        """Read the main file, or raise the German error (with the last good version)."""
        try:
            return cls._parse_file(real)
        except SchemaProblem as exc:
            key = "workbook.newer_schema" if exc.newer else "workbook.unknown_schema"
            raise WorkbookError(
                t(key, path=given, found=exc.found, known=SCHEMA_VERSION),
                path=str(given),
            ) from None
        except DamagedFile as exc:
            raise cls._corrupt(given, real, exc.problem) from None

    @classmethod
    def _load(cls, given: Path, real: Path) -> Workbook:
        document, stamp, raw = cls._read(given, real)
        backup = None
        if document.found_schema < SCHEMA_VERSION:
            backup = _Backup(real.with_name(f"{real.name}.schema{document.found_schema}.bak"), raw)
            with contextlib.suppress(OSError):
                # Kept at once where possible; otherwise (full disk, read-only folder) before
                # the first save, which is the first time the original would be overwritten.
                cls._keep_backup(backup)
                backup = None
        return cls(given, real, document, stamp, backup)

    @staticmethod
    def _keep_backup(backup: _Backup) -> None:
        """Keep the original bytes of a migrated file beside it (never overwrite one)."""
        if not backup.path.exists():
            storage.atomic_write(backup.path, backup.raw)

    # -- versions and recovery ---------------------------------------------------
    @staticmethod
    def versions_dir(path: str | os.PathLike[str]) -> Path:
        """The folder of kept versions: beside the real file, however it was opened."""
        real = real_path(path)
        return real.with_name(real.name + ".versionen")

    @classmethod
    def _list_versions(cls, path: Path) -> list[Version]:
        folder = cls.versions_dir(path)
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        for entry in entries:
            m = _VERSION_RE.match(entry.name)
            if m and entry.is_file(follow_symlinks=False):
                found.append(
                    Version(int(m.group(1)), m.group(2).replace("_", ":"), Path(entry.path))
                )
        return sorted(found, key=lambda v: (v.revision, v.path.name))

    @classmethod
    def _last_good(cls, path: Path) -> tuple[Version, Document] | None:
        """The newest kept version that is a valid workbook (broken ones are skipped)."""
        try:
            versions = cls._list_versions(path)
        except OSError:
            return None
        for version in reversed(versions):
            try:
                document, _, _ = cls._parse_file(version.path)
            except (DamagedFile, SchemaProblem, OSError):
                continue
            return version, document
        return None

    @classmethod
    def _corrupt(cls, given: Path, real: Path, problem: str) -> WorkbookError:
        good = cls._last_good(real)
        broken_name = f"{real.name}.defekt-<Zeitpunkt>"
        if good:
            version, _ = good
            offer = t(
                "workbook.offer_last_good",
                when=_readable(version.saved_at),
                file=version.path.name,
                path=given,
                broken_name=broken_name,
            )
        else:
            offer = t("workbook.offer_none")
        # The template adds its own full stop after the problem.
        problem = problem.rstrip().rstrip(".")
        return WorkbookError(
            t("workbook.corrupt", path=given, problem=problem, offer=offer),
            path=str(given),
            last_good=str(good[0].path) if good else None,
        )

    @classmethod
    def recover(cls, path: str | os.PathLike[str]) -> Workbook:
        """Put the last good version back in place; the broken file is kept beside it.

        The broken file is first copied to ``<file>.defekt-<Zeitpunkt>``, then the good
        version replaces the main file in one atomic step (as a new revision): at no moment
        is there no main file, and a kill at any point loses nothing.
        """
        given = Path(path).expanduser()
        real = real_path(given)
        try:
            with storage.locked(real):
                good = cls._last_good(real)
                if good is None:
                    raise WorkbookError(t("workbook.no_good_version", path=given), path=str(given))
                version, document = good
                floor = cls._revision_in_broken_file(real)
                broken = cls._keep_broken(real)
                wb = cls(given, real, document, None)
                wb._write(document.project, snapshots=list(document.snapshots), floor=floor)
        except OSError as exc:
            raise WorkbookError(
                t("workbook_files.cannot_recover", path=given, reason=os_reason(exc)),
                path=str(given),
            ) from None
        wb.recovered_from = version
        if broken is None:
            wb.recovery_message = t(
                "workbook_files.recovered_missing", when=_readable(version.saved_at)
            )
        else:
            wb.recovery_message = t(
                "workbook.recovered", when=_readable(version.saved_at), broken=broken
            )
        return wb

    @staticmethod
    def _revision_in_broken_file(real: Path) -> int:
        """The highest revision number a broken main file still shows (0 if none)."""
        try:
            raw = real.read_bytes()
        except FileNotFoundError:
            return 0
        numbers = [int(m.group(1)) for m in _REVISION_IN_TEXT.finditer(raw[:4096])]
        return max(numbers, default=0)

    @staticmethod
    def _keep_broken(real: Path) -> str | None:
        """Copy the broken main file to ``.defekt-<Zeitpunkt>`` (once); return that name."""
        try:
            raw = real.read_bytes()
        except FileNotFoundError:
            return None
        for earlier in sorted(real.parent.glob(f"{glob.escape(real.name)}.defekt-*")):
            with contextlib.suppress(OSError):
                if earlier.stat().st_size == len(raw) and earlier.read_bytes() == raw:
                    return earlier.name  # a recover() killed after its copy: keep one
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        broken = real.with_name(f"{real.name}.defekt-{stamp}")
        counter = 1
        while broken.exists():  # never overwrite a broken file kept earlier
            counter += 1
            broken = real.with_name(f"{real.name}.defekt-{stamp}-{counter}")
        storage.atomic_write(broken, raw)
        return broken.name

    def history(self) -> list[Version]:
        """The automatically kept versions, oldest first (at most the last 50)."""
        try:
            return self._list_versions(self._file)
        except OSError as exc:
            folder = self.versions_dir(self._file)
            raise WorkbookError(
                t("workbook_files.cannot_list_history", folder=folder, reason=os_reason(exc)),
                path=str(self.path),
            ) from None

    def version(self, revision: int) -> JourneyProject:
        """The project as it was saved in ``revision``."""
        history = self.history()
        matches = [v for v in history if v.revision == revision]
        if len(matches) > 1:
            files = ", ".join(v.path.name for v in matches)
            raise CJMError(
                t("workbook_files.version_twice", revision=revision, files=files),
                field="revision",
                value=revision,
            )
        if matches:
            document, _, _ = self._read(matches[0].path, matches[0].path)
            return document.project
        allowed = ", ".join(str(v.revision) for v in history)
        raise unknown_choice(
            "workbook.no_version",
            allowed=allowed,
            value=revision,
            field="revision",
            revision=revision,
        )

    def restore_version(self, revision: int) -> None:
        """Make ``revision`` the current state again (saved as a new revision)."""
        old = self.version(revision)
        self._commit(lambda p: old, note=f"restore r{revision}")

    # -- state ---------------------------------------------------------------------
    @property
    def revision(self) -> int:
        self._refresh()
        return self._saved.document.revision

    @property
    def saved_at(self) -> str | None:
        self._refresh()
        return self._saved.document.saved_at

    @property
    def project(self) -> JourneyProject:
        """A copy of the current project (change it through the workbook's methods)."""
        return self._current().model_copy(deep=True)

    def _batch_here(self) -> _Batch | None:
        """The batch of the calling thread, if it is inside ``batch()``."""
        batch: _Batch | None = getattr(self._local, "batch", None)
        return batch

    def _current(self) -> JourneyProject:
        batch = self._batch_here()
        if batch is not None:
            return batch.project
        self._refresh()
        return self._saved.document.project

    def _refresh(self) -> None:
        """Reload if another kernel saved since we last read or wrote the file."""
        try:
            stamp = storage.file_stamp(self._file)
        except OSError:
            return  # cannot even look at it: keep what we have; a save will say why
        if stamp is not None and stamp != self._saved.stamp:
            document, stamp, _ = self._read(self.path, self._file)
            self._saved = _Saved(document, stamp)

    def reload(self) -> None:
        """Read the file again."""
        self._saved = _Saved(self._saved.document, None)
        self._refresh()

    def on_change(self, callback: Callable[[Workbook, str], None]) -> None:
        """Call ``callback(workbook, note)`` after every saved change (for live views)."""
        self._listeners.append(callback)

    def _notify(self, note: str) -> None:
        for listener in list(self._listeners):
            listener(self, note)

    # -- saving --------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock for a change; a lock file that cannot be created is a German error."""
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(storage.locked(self._file))
            except OSError as exc:
                raise self._cannot_save(exc) from None
            yield

    def _cannot_save(self, exc: OSError, action: WriteAction = "save") -> WorkbookError:
        key = "workbook_files.cannot_create" if action == "create" else "workbook_files.cannot_save"
        return WorkbookError(t(key, path=self.path, reason=os_reason(exc)), path=str(self.path))

    def _commit(self, mutate: Mutation, *, note: str) -> None:
        """Apply ``mutate`` to a copy, validate the whole project, then save it.

        ``mutate`` changes the copy in place or returns the new project. If anything
        fails, the workbook (in memory and on disk) stays as it was.
        """
        batch = self._batch_here()
        if batch is not None:
            work = batch.project.model_copy(deep=True)
            replaced = mutate(work)
            batch.project = _validated(replaced if replaced is not None else work)
            return
        with self._writing():
            self._refresh()
            work = self._saved.document.project.model_copy(deep=True)
            replaced = mutate(work)
            self._write(_validated(replaced if replaced is not None else work))
        self._notify(note)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Workbook]:
        """Group several changes into one save: all of them are kept, or none.

        Snapshots taken inside the batch are saved with it. Other threads using this
        workbook wait until the batch is saved; they never write into it.
        """
        if self._batch_here() is not None:
            yield self
            return
        with self._writing():
            self._refresh()
            document = self._saved.document
            batch = _Batch(document.project.model_copy(deep=True), list(document.snapshots))
            self._local.batch = batch
            try:
                yield self
            finally:
                self._local.batch = None
            self._write(batch.project, snapshots=batch.snapshots)
        self._notify("batch")

    def _next_revision(self, floor: int = 0) -> int:
        """One more than the file's revision and every kept version's: numbers never repeat."""
        highest = max(self._saved.document.revision, floor)
        with contextlib.suppress(OSError):
            versions = self._list_versions(self._file)
            if versions:
                highest = max(highest, versions[-1].revision)
        return highest + 1

    def _write(
        self,
        project: JourneyProject,
        snapshots: list[Snapshot] | None = None,
        *,
        action: WriteAction = "save",
        floor: int = 0,
    ) -> None:
        """Save ``project`` as the next revision (the caller holds the lock)."""
        document = Document(
            revision=self._next_revision(floor),
            saved_at=_now(),
            project=project,
            snapshots=tuple(self._saved.document.snapshots if snapshots is None else snapshots),
        )
        try:
            data = storage.encode(document.to_json())
        except UnicodeEncodeError as exc:
            char = f"U+{ord(exc.object[exc.start]):04X}"
            raise WorkbookError(
                t("workbook_files.unsavable_text", path=self.path, char=char), path=str(self.path)
            ) from None
        try:
            if self._backup is not None:
                self._keep_backup(self._backup)
                self._backup = None
            storage.atomic_write(self._file, data)
        except OSError as exc:
            raise self._cannot_save(exc, action) from None
        self._saved = _Saved(document, storage.file_stamp(self._file))
        # After the main file, never before: a version copy always shows a saved state.
        self._keep_version(document.revision, document.saved_at or _now(), data)

    def _keep_version(self, revision: int, saved_at: str, data: bytes) -> None:
        folder = self.versions_dir(self._file)
        try:
            folder.mkdir(exist_ok=True)
            name = f"r{revision:06d}_{saved_at.replace(':', '_')}.json"
            # Not fsynced: the main file already is; a lost backup copy loses no edit.
            storage.atomic_write(folder / name, data, durable=False)
            for old in self._list_versions(self._file)[:-MAX_VERSIONS]:
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
                        unknown_field_text(
                            "project", key, label=t("model.project"), fields=sorted(allowed)
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
            new_model = PhaseModel.model_validate({"phases": model})
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
                return new_model.carry_over(phase_id, old)

            # Touchpoints, pain points and feedback all keep a phase: none may lose it.
            moved: list[tuple[Any, str]] = []
            for coll in PHASED_COLLECTIONS:
                for item in getattr(p, coll):
                    if not item.phase:
                        continue
                    found = target(item.phase)
                    if found is None:
                        name = old.name_of(item.phase)
                        unmapped[name] = unmapped.get(name, 0) + 1
                    else:
                        moved.append((item, found))
            if unmapped:
                raise unknown_choice(
                    "error.phases_unmapped",
                    allowed=new_model.names,
                    value=mapping,
                    field="mapping",
                    count=sum(unmapped.values()),
                    phases=", ".join(unmapped),
                )
            for item, dst in moved:
                item.phase = dst  # validated assignment; the whole project is checked after
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
            p.phase_model = PhaseModel.model_validate(
                {"name": pm.name, "preset": None, "phases": phases}
            )

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
    def _snapshot_records(self) -> list[Snapshot]:
        batch = self._batch_here()
        if batch is not None:
            return batch.snapshots
        self._refresh()
        return list(self._saved.document.snapshots)

    def snapshots(self) -> list[SnapshotInfo]:
        """The named states, oldest first."""
        return [
            SnapshotInfo(s["name"], s["taken_at"], s["revision"]) for s in self._snapshot_records()
        ]

    def snapshot(self, name: str, *, overwrite: bool = False) -> SnapshotInfo:
        """Keep the current state under ``name`` (e.g. "Iteration 1").

        Inside ``batch()`` the snapshot holds the batch's state at this moment and is saved
        with the batch (or dropped with it).
        """
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
        batch = self._batch_here()
        if batch is not None:
            # The lock is held for the whole batch: the revision it will get is known.
            batch.snapshots = self._with_snapshot(
                batch.snapshots, name, overwrite, batch.project, self._next_revision()
            )
            return self.snapshots()[-1]
        with self._writing():
            self._refresh()
            document = self._saved.document
            snaps = self._with_snapshot(
                list(document.snapshots), name, overwrite, document.project, self._next_revision()
            )
            self._write(document.project, snapshots=snaps)
        return self.snapshots()[-1]

    @staticmethod
    def _with_snapshot(
        snaps: list[Snapshot],
        name: str,
        overwrite: bool,
        project: JourneyProject,
        revision: int,
    ) -> list[Snapshot]:
        kept = [s for s in snaps if s["name"] != name]
        if len(kept) != len(snaps) and not overwrite:
            raise CJMError(t("workbook.snapshot_exists", name=name), field="name", value=name)
        record: Snapshot = {
            "name": name,
            "taken_at": _now(),
            "revision": revision,
            "project": project.model_dump(mode="json"),
        }
        return [*kept, record]

    def snapshot_project(self, name: str) -> JourneyProject:
        """The project as it was when snapshot ``name`` was taken."""
        records = self._snapshot_records()
        for s in records:
            if s["name"] == name:
                project: JourneyProject = JourneyProject.model_validate(s["project"])
                return project
        allowed = ", ".join(s["name"] for s in records) or t("allowed.none_yet")
        raise unknown_choice(
            "workbook.no_snapshot", allowed=allowed, value=name, field="name", name=name
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
        self._commit(lambda p: old, note=f"restore {name}")
        return self.project

    def __repr__(self) -> str:
        p = self._current()
        counts = ", ".join(
            f"{t(f'collection.{c}')}: {len(getattr(p, c))}" for c in COLLECTIONS if getattr(p, c)
        )
        revision = self._saved.document.revision
        return f"<Workbook {self.path.name!r} r{revision} – {p.name}; {counts}>"


def copy_workbook(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Workbook:
    """Copy a workbook file (not its versions) to ``dst`` and open the copy."""
    try:
        data = Path(src).expanduser().read_bytes()
    except OSError as exc:
        raise WorkbookError(
            t("workbook_files.cannot_read", path=src, reason=os_reason(exc)), path=str(src)
        ) from None
    write_file(dst, data, action="create")
    return Workbook.open(dst)
