"""A class on a real JupyterHub, end to end in Chromium.

The test (as root) makes one instructor and three students as real Unix accounts, installs
the course once for everybody (``pip install .`` into a shared environment, the proxy with
``npm ci``) and starts JupyterHub with ``course/hub/jupyterhub_config.py``: PAM log-in,
every server as its own user, the nbgrader exchange in a shared folder. Then:

1. the instructor generates and releases an assignment (``nbgrader`` in their terminal);
2. each student logs in, fetches it in the Assignments tab, works in the notebook and
   submits: "voll" types the reference answers, "leer" hands in the untouched release,
   "angriff" puts an attack into an answer cell;
3. the instructor collects and autogrades with the course's own ``nbgrader_config.py``,
   grades a reflection in the formgrader, generates and releases feedback, and exports
   the grades (``nbgrader export``, German CSV, ``.xlsx``);
4. each student fetches their feedback in the Assignments tab and opens it.

Everything happens once, in the module fixture; the tests check what it recorded: the
gradebook, the exports, what each browser showed, what students could not reach, and
that the accounts and processes are gone afterwards. Screenshots go to ``CJM_SHOTS``
(default ``/tmp/cjm-hub-shots``).
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from cjmlib.grading import hub
from tests._browser import CHROMIUM, chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[1]
A = "03_beduerfnisse"
SHOTS = Path(os.environ.get("CJM_SHOTS", "/tmp/cjm-hub-shots"))
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
REFLECTION_SCORE = 1.5
REFLECTION_COMMENT = "Gut begründet. Nenne noch ein Beispiel aus deiner Branche."

# An answer cell that attacks the grader: it looks for the course folder (the grading
# kernel's working folder is inside it, or it is under /home), reads other students'
# submissions, the sources with the solutions and the gradebook, and writes a file into
# the course. In the student's own kernel none of this is reachable.
ATTACK = """# Angriff aus einer Antwortzelle
import glob, os, sqlite3
chancen = None
kurse = {os.path.abspath(os.path.join(os.getcwd(), "..", "..", ".."))}
kurse.update(glob.glob("/home/*/cjm-werkstatt"))
for kurs in sorted(kurse):
    for pfad in glob.glob(os.path.join(kurs, "submitted", "*", "*", "*.ipynb")):
        print("FUND" + ":ABGABE", pfad)
    for pfad in glob.glob(os.path.join(kurs, "source", "*", "*.ipynb")):
        geheim = [z for z in open(pfad, encoding="utf-8") if "BEGIN" in z or "Muster" in z]
        print("FUND" + ":QUELLE", pfad, geheim[:5])
    if os.path.exists(os.path.join(kurs, "gradebook.db")):
        con = sqlite3.connect(os.path.join(kurs, "gradebook.db"))
        print("FUND" + ":NOTENBUCH", con.execute("select id from student").fetchall())
    try:
        with open(os.path.join(kurs, "GEHACKT.txt"), "w") as datei:
            datei.write("Hier war ein Angriff")
    except OSError as fehler:
        print("SCHREIBEN" + ":VERWEIGERT", fehler)
"""
HOSTILE_REFLECTION = "Ich habe die Aufgabe nicht verstanden."
STEP = {"now": ""}  # what the test was doing, for the message when something fails


def step(text: str) -> None:
    STEP["now"] = text


@dataclass
class Record:
    """What happened in the class, for the tests to check."""

    room: hub.Classroom
    names: dict[str, str] = field(default_factory=dict)  # role in the test -> account name
    auto_max: float = 0.0
    manual_max: float = 0.0
    menus: dict[str, list[str]] = field(default_factory=dict)
    released: dict[str, str] = field(default_factory=dict)
    submitted: dict[str, str] = field(default_factory=dict)
    saved: dict[str, nbformat.NotebookNode] = field(default_factory=dict)
    fetched_files: dict[str, list[str]] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    forbidden: dict[str, dict[str, int]] = field(default_factory=dict)
    refused: dict[str, dict[str, str]] = field(default_factory=dict)
    scores: dict[str, tuple[float, bool]] = field(default_factory=dict)
    reflection: tuple[float | None, str | None] = (None, None)
    reference_reflection: str = ""
    solution_in_env: list[str] = field(default_factory=list)
    release_text: str = ""
    formgrader: str = ""
    stock_export: list[dict[str, str]] = field(default_factory=list)
    csv_text: str = ""
    xlsx_rows: dict[str, dict[str, object]] = field(default_factory=dict)
    xlsx_pending_fill: dict[str, str] = field(default_factory=dict)
    hacked: bool = False
    autograde_log: str = ""
    leftovers: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    _clock: float = field(default_factory=time.monotonic)

    def lap(self, phase: str) -> None:
        """Note how long ``phase`` took (reported in CJM_SHOTS/timings.json)."""
        now = time.monotonic()
        self.phases[phase] = round(now - self._clock, 1)
        self._clock = now


def solution_of(source: str) -> str:
    """The reference answer of an nbgrader solution cell (its solution region)."""
    lines = source.splitlines()
    if BEGIN not in (line.strip() for line in lines):
        return source
    inside, kept = False, []
    for line in lines:
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            kept.append(line)
    return "\n".join(kept)


def grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


# -- what a person does in the browser --------------------------------------------------------


def log_in(browser, room: hub.Classroom, account: hub.Account):
    step(f"{account.name} logs in")
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{room.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", account.name)
    page.fill("#password_input", account.password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{account.name}/lab**", timeout=240_000)
    page.locator("#jp-main-dock-panel").wait_for()
    return context, page


NBGRADER_LABEL = '#jp-menu-panel div.lm-MenuBar-itemLabel:text("Nbgrader")'
NBGRADER_MENU = "#jp-mainmenu-nbgrader"


def open_nbgrader_menu(page) -> None:
    """Open the "Nbgrader" menu (a click on its label toggles it: only click when closed)."""
    menu = page.locator(NBGRADER_MENU)
    for attempt in range(4):
        if menu.is_visible():
            return
        page.locator(NBGRADER_LABEL).click()
        try:
            menu.wait_for(state="visible", timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == 3:
                raise


def close_nbgrader_menu(page) -> None:
    """Close the menu. Escape does not, when the keyboard focus is not in the menu (seen
    in JupyterLab 4 under load); a second click on its label does."""
    menu = page.locator(NBGRADER_MENU)
    for attempt in range(4):
        if not menu.is_visible():
            return
        page.locator(NBGRADER_LABEL).click()
        try:
            menu.wait_for(state="hidden", timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == 3:
                raise


def nbgrader_menu(page) -> list[str]:
    open_nbgrader_menu(page)
    items = page.locator(f"{NBGRADER_MENU} li.lm-Menu-item:visible").all_inner_texts()
    close_nbgrader_menu(page)
    return [item.strip() for item in items if item.strip()]


def open_assignments(page) -> None:
    open_nbgrader_menu(page)
    page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()
    page.locator("#released_assignments_list").wait_for()


def type_into_cell(page, index: int, text: str, markdown: bool) -> None:
    cell = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    if markdown:
        cell.dblclick()  # a rendered markdown cell opens its editor on double-click
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")


def save_notebook(page) -> None:
    """Save with the notebook's toolbar button; once more if the tab still shows changes."""
    dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty")
    for attempt in range(2):
        page.locator('.jp-NotebookPanel:visible [data-command="docmanager:save"]').click()
        try:
            dirty.wait_for(state="detached", timeout=60_000)
            return
        except Exception:
            if attempt:
                raise


def fetch_work_submit(page, room, release, answers: dict[str, str], shot: Path | None):
    """Fetch in the Assignments tab, type ``answers`` (grade_id -> text), save, submit."""
    step("fetch in the Assignments tab")
    open_assignments(page)
    released = page.locator("#released_assignments_list > .list_item").first
    released.wait_for()
    released_text = page.locator("#released_assignments_list").inner_text()
    released.locator(".item_status button").click()  # "Fetch"
    page.locator("#fetched_assignments_list > .list_item").first.wait_for()
    if answers:
        step("open the fetched notebook")
        page.locator("#fetched_assignments_list a.assignment-notebooks-link").first.click()
        page.locator(f'#nbgrader-{room.course_id}-{A} a:text-is("{A}")').click()
        page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").first.wait_for()
        for index, cell in enumerate(release.cells):
            if grade_id(cell) in answers:
                step(f"type into cell {index}")
                type_into_cell(page, index, answers[grade_id(cell)], cell.cell_type == "markdown")
        step("save the notebook")
        save_notebook(page)
        page.locator('.lm-TabBar-tab:has-text("Assignments")').click()
    step("submit")
    page.locator('#fetched_assignments_list .item_status button:text("Submit")').click()
    page.locator("#submitted_assignments_list > .list_item").first.wait_for()
    if shot:
        page.screenshot(path=str(shot))
    return released_text, page.locator("#submitted_assignments_list").inner_text()


def open_feedback(page, shot: Path | None) -> str:
    step("fetch and open the feedback")
    open_assignments(page)
    submitted = page.locator("#submitted_assignments_list > .list_item").first
    submitted.wait_for()
    submitted.locator('button:text("Fetch Feedback")').click()
    link = page.locator('#submitted_assignments_list a:text("view feedback")').first
    link.wait_for()
    link.click()  # shows the feedback folder in the file browser
    page.locator('.jp-DirListing-item:has-text(".html")').first.dblclick()
    body = page.frame_locator(".jp-HTMLViewer iframe").locator("body")
    body.locator("text=Score").first.wait_for()
    if shot:
        page.screenshot(path=str(shot))
    return body.inner_text()


# -- the class, once ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_env():
    """The course and JupyterHub installed once for every account (``pip install .``).

    ``CJM_HUB_ENV`` names a folder to keep between runs (it is rebuilt when the sources
    changed); otherwise a temporary one is made and removed at the end.
    """
    if os.geteuid() != 0:
        pytest.skip(
            "The hub test creates real Unix accounts and starts JupyterHub as root; "
            "run it as root (CI runs `make test` as root)."
        )
    if not Path(CHROMIUM).exists() or shutil.which("npm") is None:
        pytest.skip("Debian's chromium and npm are needed (`make test` as root installs them)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    keep = os.environ.get("CJM_HUB_ENV")
    # Not under /tmp: the grading jail mounts a private /tmp over the host's, which would
    # hide a Python installation there from the kernel ("Kernel died before replying").
    env = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="cjm-umgebung-", dir="/var/tmp"))
    started = time.monotonic()
    hub.install_environment(env, REPO)
    (SHOTS / "timings_install.txt").write_text(f"{time.monotonic() - started:.1f}\n")
    yield env
    if not keep:
        shutil.rmtree(env, ignore_errors=True)


@pytest.fixture(scope="module")
def record(shared_env):
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="cjm-klasse-", dir="/tmp"))
    root.chmod(0o755)
    env = shared_env
    tag = secrets.token_hex(2)
    roles = {"lehrkraft": True, "voll": False, "leer": False, "angriff": False}
    accounts = tuple(
        hub.Account(f"cjmt{tag}-{role}", secrets.token_urlsafe(12), instructor=teacher)
        for role, teacher in roles.items()
    )
    room = hub.Classroom(root=root, env=env, accounts=accounts)
    rec = Record(room=room, names={role: a.name for role, a in zip(roles, accounts, strict=True)})
    uids: list[int] = []
    try:
        room.setup(REPO)
        uids = [pwd.getpwnam(a.name).pw_uid for a in accounts]
        room.start(REPO / "course" / "hub" / "jupyterhub_config.py")
        rec.lap("setup_and_start_hub")
        _run_class(rec)
    except Exception as error:
        raise RuntimeError(
            f"{STEP['now']}: {error}\n--- hub log ---\n{room.log_tail()}\n"
            f"--- while: {STEP['now']} ---\n{error}"
        ) from error
    finally:
        hub_pid = room.hub_pid
        rec.leftovers["problems"] = room.teardown()
        rec.leftovers["accounts"] = [a.name for a in accounts if hub._entry(a.name)]
        # A zombie has ended already and waits only for the system to reap it (a jailed
        # kernel's children become zombies for a moment when the jail ends).
        rec.leftovers["processes"] = [
            _described(p) for uid in uids for p in hub._processes_of(uid) if not hub._zombie(p)
        ]
        rec.leftovers["hub"] = hub_pid is not None and hub._alive(hub_pid, "jupyterhub")
        rec.leftovers["root"] = root.exists()
        rec.lap("teardown")
        rec.seconds = time.monotonic() - started
        (SHOTS / "timings.json").write_text(json.dumps({**rec.phases, "total": rec.seconds}))
    return rec


def _run_class(rec: Record) -> None:
    room = rec.room
    teacher = room.instructor
    course = room.course_dir

    def instructor(*args: str) -> str:
        step(f"instructor: nbgrader {' '.join(args)}")
        out = room.run_as(teacher, ["nbgrader", *args], cwd=course)
        assert out.returncode == 0, f"nbgrader {args}:\n{out.stdout[-3000:]}{out.stderr[-3000:]}"
        return out.stdout + out.stderr

    instructor("generate_assignment", A)
    instructor("release_assignment", A)
    rec.lap("generate_and_release")
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    graded = [
        c.metadata["nbgrader"] for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")
    ]
    rec.auto_max = sum(m["points"] for m in graded if not m.get("solution"))
    rec.manual_max = sum(m["points"] for m in graded if m.get("solution"))
    reference = {
        grade_id(c): solution_of(c.source)
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    first_answer = next(
        grade_id(c) for c in release.cells if grade_id(c) in reference and c.cell_type == "code"
    )
    reflection = next(
        grade_id(c) for c in release.cells if grade_id(c) in reference and c.cell_type == "markdown"
    )
    rec.reference_reflection = reference[reflection].splitlines()[0]
    # What a student's kernel can import: the course package in the shared environment.
    answer_line = max(reference[first_answer].splitlines(), key=len).strip()
    packages = list((room.env / "venv" / "lib").glob("python3*/site-packages/cjmlib"))
    rec.solution_in_env = [
        str(path)
        for folder in packages
        for path in folder.rglob("*.py")
        if answer_line in path.read_text(errors="replace")
    ]
    rec.release_text = "".join(cell.source for cell in release.cells)
    plans = {
        "voll": reference,
        "leer": {},
        "angriff": {first_answer: ATTACK, reflection: HOSTILE_REFLECTION},
    }
    with chromium() as browser:
        try:
            for role, answers in plans.items():
                account = room.account(rec.names[role])
                context, page = log_in(browser, room, account)
                rec.menus[role] = nbgrader_menu(page)
                shot = SHOTS / "schueler_assignments.png" if role == "voll" else None
                rec.released[role], rec.submitted[role] = fetch_work_submit(
                    page, room, release, answers, shot
                )
                probes = {
                    "instructor_lab": f"{room.url}/user/{teacher.name}/lab",
                    "instructor_formgrader": f"{room.url}/user/{teacher.name}/formgrader",
                    "own_formgrader": f"{room.url}/user/{account.name}/formgrader/gradebook",
                }
                rec.forbidden[role] = {k: page.request.get(u).status for k, u in probes.items()}
                context.close()
                home = room.home(account)
                rec.saved[role] = nbformat.read(home / A / f"{A}.ipynb", as_version=4)
                rec.fetched_files[role] = sorted(p.name for p in (home / A).iterdir())
                paths = {
                    "course": course,
                    "inbound": room.exchange / room.course_id / "inbound",
                    "classmate": room.home(
                        room.account(rec.names["voll" if role != "voll" else "leer"])
                    ),
                }
                rec.refused[role] = {
                    k: room.run_as(account, ["ls", str(p)]).stderr for k, p in paths.items()
                }
                rec.lap(f"student_{role}")

            instructor("collect", A)
            rec.autograde_log = instructor("autograde", A)
            rec.lap("collect_and_autograde")

            context, page = log_in(browser, room, teacher)
            rec.menus["lehrkraft"] = nbgrader_menu(page)
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
                sub_id = gb.find_submission_notebook(A, A, rec.names["voll"]).id
            step("instructor: grade the reflection in the formgrader")
            base = f"{room.url}/user/{teacher.name}/formgrader"
            page.goto(f"{base}/gradebook/{A}/{A}", wait_until="domcontentloaded")
            page.locator('a[href*="/formgrader/submissions/"]').first.wait_for()
            rec.formgrader = page.locator("body").inner_text()
            page.goto(f"{base}/submissions/{sub_id}/", wait_until="domcontentloaded")
            score = page.locator(f"input#{reflection}")
            score.scroll_into_view_if_needed()
            score.fill(str(REFLECTION_SCORE))
            score.press("Tab")
            comment = page.locator(f"#{reflection}-comment")
            comment.fill(REFLECTION_COMMENT)
            comment.press("Tab")
            page.wait_for_timeout(1500)  # the formgrader saves on change; let the request land
            page.screenshot(path=str(SHOTS / "formgrader_reflexion.png"))
            context.close()
            rec.lap("formgrader")

            instructor("generate_feedback", A)
            instructor("release_feedback", A)
            instructor("export")
            exporters = {"GermanCsvExport": "noten.csv", "ExcelExport": "noten.xlsx"}
            for exporter, name in exporters.items():
                instructor(
                    "export", f"--exporter=cjmlib.grading.grades_export.{exporter}", f"--to={name}"
                )
            rec.lap("feedback_and_export")

            for role in plans:
                context, page = log_in(browser, room, room.account(rec.names[role]))
                shot = SHOTS / f"schueler_feedback_{role}.png"
                rec.feedback[role] = open_feedback(page, shot)
                (SHOTS / f"schueler_feedback_{role}.txt").write_text(rec.feedback[role])
                context.close()
            rec.lap("students_read_feedback")

        except Exception:
            for number, context in enumerate(browser.contexts):  # what the person saw
                for page in context.pages:
                    page.screenshot(path=str(SHOTS / f"fehler_{number}.png"))
            raise

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for role in plans:
            sub = gb.find_submission(A, rec.names[role])
            rec.scores[role] = (float(sub.score), bool(sub.needs_manual_grade))
        grade = gb.find_grade(reflection, A, A, rec.names["voll"])
        note = gb.find_comment(reflection, A, A, rec.names["voll"])
        rec.reflection = (grade.manual_score, note.manual_comment)
    with open(course / "grades.csv", newline="") as fh:
        rec.stock_export = list(csv.DictReader(fh))
    rec.csv_text = (course / "noten.csv").read_bytes().decode("utf-8-sig")
    sheet = load_workbook(course / "noten.xlsx")["Noten"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        rec.xlsx_rows[row[0].value] = {h: c.value for h, c in zip(header, row, strict=True)}
        rec.xlsx_pending_fill[row[0].value] = row[3].fill.start_color.rgb
    rec.hacked = (course / "GEHACKT.txt").exists()


# -- the tests ----------------------------------------------------------------------------------


def _described(pid: int) -> str:
    """``pid`` with its state and command line, so that a leftover says what it is."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        state = Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1].split()[0]
    except OSError:
        return f"{pid} (gone)"
    return f"{pid} [{state}] {cmd.strip()}"


def test_does_each_student_see_only_the_assignment_tools(record):
    for role in ("voll", "leer", "angriff"):
        assert record.menus[role] == ["Assignment List"], record.menus[role]
        assert A in record.released[role] and record.room.course_id in record.released[role]
    assert {"Formgrader", "Create assignment", "Course List"} <= set(record.menus["lehrkraft"])


def test_did_each_student_hand_in_what_they_typed_in_the_browser(record):
    for role in ("voll", "leer", "angriff"):
        assert A in record.submitted[role] and "UTC" in record.submitted[role]
    voll = {grade_id(c): c.source for c in record.saved["voll"].cells if grade_id(c)}
    assert "Musterantwort" in "".join(voll.values())
    angriff = "".join(c.source for c in record.saved["angriff"].cells)
    assert "GEHACKT.txt" in angriff and HOSTILE_REFLECTION in angriff


def test_does_the_gradebook_hold_the_score_each_student_earned(record):
    assert record.scores["voll"] == (record.auto_max + REFLECTION_SCORE, False)
    assert record.scores["leer"] == (0.0, False), (
        "an untouched release scores 0 and waits for nobody"
    )
    assert record.scores["angriff"] == (0.0, True), "wrong answer: 0; its reflection awaits a human"
    assert record.reflection == (REFLECTION_SCORE, REFLECTION_COMMENT)
    assert "Submission #3" in record.formgrader and "Submission #4" not in record.formgrader


def test_do_the_exports_hold_the_same_grades(record):
    stock = {row["student_id"]: row for row in record.stock_export}
    for role, (score, _) in record.scores.items():
        assert float(stock[record.names[role]]["score"]) == score
    maximum = record.auto_max + record.manual_max
    column = f"{A} (max. {maximum:g})"
    rows = record.xlsx_rows
    assert rows[record.names["voll"]][column] == record.auto_max + REFLECTION_SCORE
    assert rows[record.names["angriff"]]["Noch von Hand zu bewerten"] == A
    assert not rows[record.names["voll"]]["Noch von Hand zu bewerten"]
    assert record.xlsx_pending_fill[record.names["angriff"]].endswith("FFF2CC")
    line = next(x for x in record.csv_text.splitlines() if x.startswith(record.names["voll"]))
    assert f"{record.auto_max + REFLECTION_SCORE:g}".replace(".", ",") in line.split(";")


def test_does_each_student_see_their_own_feedback_and_nobody_elses(record):
    maximum = record.auto_max + record.manual_max
    for role, (score, _) in record.scores.items():
        text = record.feedback[role]
        german = f"Deine Punkte: {score:g} von {maximum:g}".replace(".", ",")
        assert german in text, text[:300]
    for role in ("voll", "leer"):  # the attacker's own leak is the next test's business
        others = [n for r, n in record.names.items() if r not in (role, "lehrkraft")]
        assert not [name for name in others if name in record.feedback[role]]
    assert REFLECTION_COMMENT in record.feedback["voll"]


def test_are_students_kept_out_of_instructor_tools_and_others_files(record):
    for role in ("voll", "leer", "angriff"):
        status = record.forbidden[role]
        assert status["own_formgrader"] == 404, "the formgrader is not even loaded for students"
        assert status["instructor_lab"] in (403, 404), status
        assert status["instructor_formgrader"] in (403, 404), status
        for what, error in record.refused[role].items():
            assert "Permission denied" in error, (role, what, error)


def test_is_the_attacking_student_contained_by_the_grader(record):
    assert not record.hacked, "the attack wrote into the course folder"
    assert "OHNE Sandbox" not in record.autograde_log, "graded without the sandbox"
    text = record.feedback["angriff"]
    assert "SCHREIBEN:VERWEIGERT" in text, "the attack ran in the grader and was refused"
    for found in ("FUND:ABGABE", "FUND:QUELLE", "FUND:NOTENBUCH"):
        assert found not in text, f"{found}: the attack read the course and showed it"
    assert record.names["voll"] not in text, "the attacker saw another student's submission"
    assert record.reference_reflection not in text, "the model answer leaked"


def test_do_students_receive_the_graded_edition_without_answers(record):
    assert "solution()" not in record.release_text, "the release points to the model solution"
    for role in ("voll", "leer", "angriff"):
        files = record.fetched_files[role]
        assert "judges.py" not in files and "tasks.py" in files, (role, files)
    assert not record.solution_in_env, (
        f"reference answers in the students' package: {record.solution_in_env}"
    )


def test_does_the_class_leave_no_accounts_processes_or_folders(record):
    assert record.leftovers == {
        "problems": [],
        "accounts": [],
        "processes": [],
        "hub": False,
        "root": False,
    }


# -- make classroom, as the guide says ----------------------------------------------------------

ACCOUNT_LINE = re.compile(r"Benutzername: (\S+)\s+Passwort: (\S+)")


class MakeClassroom:
    """``make classroom`` in its own process group, as in a terminal (Ctrl-C reaches it)."""

    def __init__(self, env: Path, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "classroom",
                f"CLASSROOM_ENV={env}",
                f"CLASSROOM_ROOT={root}",
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []

    def wait_until_ready(self) -> tuple[str, dict[str, str]]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            if "Strg+C" in line:
                break
        text = "".join(self.lines)
        url = re.search(r"öffne (http://127\.0\.0\.1:\d+) im Browser", text)
        assert url, text
        return url.group(1), dict(ACCOUNT_LINE.findall(text))

    def rest(self) -> str:
        assert self.proc.stdout is not None
        self.lines.extend(self.proc.stdout)
        self.proc.wait(timeout=300)
        return "".join(self.lines)


def _gone(names: list[str], root: Path) -> bool:
    """Wait (a generous while) until the class is torn down; True when it is."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not root.exists() and not [n for n in names if hub._entry(n)]:
            return True
        time.sleep(1)
    return False


@pytest.fixture(scope="module")
def make_classroom_runs(shared_env):
    """`make classroom` twice: once ended with Ctrl-C, once with `make classroom-stop`."""
    runs = {}
    for ending in ("ctrl_c", "classroom_stop"):
        root = Path(tempfile.mkdtemp(prefix="cjm-demo-", dir="/tmp")) / "klasse"
        demo = MakeClassroom(shared_env, root)
        try:
            url, accounts = demo.wait_until_ready()
            student = next(n for n in accounts if n != "cjm-lehrkraft")
            if ending == "ctrl_c":  # a student logs in with the printed password
                with chromium() as browser:
                    room = hub.Classroom(root=root, env=shared_env, accounts=())
                    room.port = int(url.rsplit(":", 1)[1])
                    account = hub.Account(student, accounts[student])
                    context, page = log_in(browser, room, account)
                    landed = page.url
                    context.close()
            else:  # the hub answers; the log-in was shown above
                with urllib.request.urlopen(f"{url}/hub/api", timeout=30) as answer:
                    landed = f"hub API status {answer.status}"
            course = Path(pwd.getpwnam("cjm-lehrkraft").pw_dir) / "cjm-werkstatt"
            has_course = (course / "nbgrader_config.py").exists()
        finally:
            if ending == "ctrl_c":
                os.killpg(demo.proc.pid, signal.SIGINT)
                stopper = ""
            else:
                stop = subprocess.run(
                    ["make", "--no-print-directory", "classroom-stop", f"CLASSROOM_ROOT={root}"],
                    cwd=REPO,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                stopper = stop.stdout + stop.stderr
            output = demo.rest()
        runs[ending] = {
            "accounts": accounts,
            "landed": landed,
            "has_course": has_course,
            "output": output,
            "stopper": stopper,
            "gone": _gone(list(accounts), root),
        }
        shutil.rmtree(root.parent, ignore_errors=True)
    return runs


def test_does_make_classroom_print_a_working_class_and_remove_it_again(make_classroom_runs):
    for ending, run in make_classroom_runs.items():
        assert set(run["accounts"]) == set(hub.DEMO_NAMES), run["output"]
        assert all(len(pw) >= 12 for pw in run["accounts"].values())
        if ending == "ctrl_c":
            assert "/user/cjm-" in run["landed"] and "/lab" in run["landed"], run["landed"]
        else:
            assert run["landed"] == "hub API status 200"
        assert run["has_course"], "the instructor has the course in ~/cjm-werkstatt"
        assert "Die Klasse ist beendet" in run["output"] + run["stopper"], (ending, run["output"])
        assert run["gone"], f"{ending}: accounts or class folder left behind"
    (SHOTS / "make_classroom.txt").write_text(make_classroom_runs["ctrl_c"]["output"])
