"""The chapters of the course: clean in git, the same shape, correct German, and they run.

Every ``chapters/NN_*.ipynb`` must

* be committed clean (no outputs, no execution counts, stable unique cell ids, normalised
  with ``python tools/notebooks.py normalise``) and hold no ``def``/``class``/``lambda``;
* have the shape every chapter shares:

  - the first cell is Markdown, opens with ``# Kapitel N: <Titel>`` and names the
    ``Lernziele``, the ``Zeitbedarf`` in minutes and what goes into the ``Arbeitsbuch``;
  - section headings containing ``Dein Schritt``, ``Werkzeuge in der Praxis``,
    ``Checkliste``, ``Wissenscheck`` and ``Das nimmst du mit``;
  - the last cell is Markdown with the navigation: links to the previous and the next
    chapter file (where they exist); chapters 1-13 also link to their exercise
    (``../exercises/...``); chapter 13, the capstone, links to the workshop guide;

* point every internal Markdown link at an existing file;
* pass the German spell check (hunspell ``de_DE`` plus the reviewed project word list
  ``chapters/wortliste.txt``: one word per line, ``# reason`` after it), as must the case
  texts the chapters show for each industry (``chapter_texts.yaml``);
* have a non-empty checklist and a knowledge check of at least five questions with
  explanations in the catalogue (``cjmlib.content``);
* run top to bottom on a fresh kernel without error output (the run time is printed),
  print no line wider than JupyterLab's output area shows unbroken
  (``cjmlib.messages.text.TEXT_WIDTH``) and no count without its thousands dot, show
  every table the German way (no English column name, no internal id, no
  ``NaN``/``None``/``True``/``<NA>``) and leave the trainee's workbook as it was: "Run
  All" on an untouched chapter never writes placeholder entries.

Only ``chapters/`` is executed here: ``exercises/`` and ``solutions/`` belong to the grading
area, which runs them through nbgrader in its own tests.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import nbformat
import pytest
from _outputs import (
    foreign_words,
    hyphen_minus_numbers,
    long_printed_lines,
    ungrouped_numbers,
)
from _pool import selected, two_at_a_time

from cjmlib import content

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
WORDLIST = CHAPTERS / "wortliste.txt"
NOTEBOOKS = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
REQUIRED_HEADINGS = (
    "Dein Schritt",
    "Werkzeuge in der Praxis",
    "Checkliste",
    "Wissenscheck",
    "Das nimmst du mit",
)
#: Chapters with an exercise (chapter 13's is the capstone assignment).
EXERCISE_CHAPTERS = range(1, 14)
HUNSPELL = shutil.which("hunspell")
DICTIONARY = Path("/usr/share/hunspell/de_DE.dic")

_spec = importlib.util.spec_from_file_location(
    "cjm_notebook_tools", ROOT / "tools" / "notebooks.py"
)
notebook_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebook_tools)


def number_of(path: Path) -> int:
    return int(path.name[:2])


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def markdown_of(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def headings_of(nb: nbformat.NotebookNode) -> list[str]:
    return [
        line.lstrip("#").strip()
        for text in markdown_of(nb)
        for line in text.splitlines()
        if line.startswith("#")
    ]


LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=\"([^\"]+)\"")


def links_of(text: str) -> list[str]:
    return [a or b for a, b in LINK.findall(text)]


def is_internal(target: str) -> bool:
    return not re.match(r"^(?:[a-z][a-z0-9+.-]*:|#)", target, flags=re.IGNORECASE)


def resolve(target: str) -> Path:
    path = urllib.parse.unquote(target.split("#", 1)[0].split("?", 1)[0])
    return (CHAPTERS / path).resolve()


def test_there_are_chapters():
    """Does the course have a start page, the twelve steps and the capstone?"""
    assert (CHAPTERS / "00_Start.ipynb").exists()
    assert [number_of(p) for p in NOTEBOOKS] == list(range(14))
    assert (CHAPTERS / "13_Abschlussprojekt.ipynb").exists()


def test_start_page_lists_every_chapter():
    """Does the start page's table of contents link to every chapter?"""
    start = "\n".join(markdown_of(read(CHAPTERS / "00_Start.ipynb")))
    targets = set(links_of(start))
    assert [p.name for p in NOTEBOOKS[1:] if p.name not in targets] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_clean(path):
    """Is the notebook free of outputs, with stable unique ids and no def/class/lambda?"""
    assert notebook_tools.check_notebook(path, no_defs=True) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_opening(path):
    """Does the chapter open with title, learning goals, time needed and workbook outcome?"""
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    title = first.source.splitlines()[0]
    assert re.match(rf"^# Kapitel {number_of(path)}: \S", title), title
    assert "Lernziele" in first.source
    assert re.search(r"Zeitbedarf.*\d+.*Minuten", first.source), "time needed in minutes"
    assert "Arbeitsbuch" in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_section_headings(path):
    """Has the chapter every section of the shared shape, in order?"""
    headings = headings_of(read(path))
    positions = []
    for wanted in REQUIRED_HEADINGS:
        hits = [i for i, h in enumerate(headings) if wanted.casefold() in h.casefold()]
        assert hits, f"no heading containing {wanted!r} in {headings}"
        positions.append(hits[0])
    assert positions == sorted(positions), f"sections out of order: {headings}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_navigation(path):
    """Does the last cell link to the previous and the next chapter (and the exercise)?"""
    nb = read(path)
    last = nb.cells[-1]
    assert last.cell_type == "markdown"
    targets = {Path(urllib.parse.unquote(t)).name for t in links_of(last.source)}
    n = number_of(path)
    for neighbour in (n - 1, n + 1):
        files = sorted(CHAPTERS.glob(f"{neighbour:02d}_*.ipynb"))
        if files:
            assert files[0].name in targets, f"no link to {files[0].name} in the last cell"
    if n in EXERCISE_CHAPTERS:
        all_links = [t for text in markdown_of(nb) for t in links_of(text)]
        assert any(t.startswith("../exercises/") for t in all_links), "no link to the exercise"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_internal_links_exist(path):
    """Does every internal Markdown link point to an existing file or folder?"""
    broken = [
        target
        for text in markdown_of(read(path))
        for target in links_of(text)
        if is_internal(target) and not resolve(target).exists()
    ]
    assert broken == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_checklist_and_quiz_in_catalogue(path):
    """Has the chapter a checklist and at least five explained quiz questions?"""
    n = number_of(path)
    items = content.checklist(n)
    assert items, f"no checklist for chapter {n} in the catalogue"
    assert all(text.strip() for _, text in items)
    questions = content.quiz(n)
    assert len(questions) >= 5
    for q in questions:
        assert q.text.strip() and q.explanation.strip(), q.id
        assert len(q.choices) >= 2, q.id
        assert q.correct and all(0 <= i < len(q.choices) for i in q.correct), q.id


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_uses_checklist_and_quiz_widgets(path):
    """Do the checklist and knowledge-check sections show the catalogue's widgets?"""
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    assert "Checklist(" in code and "KnowledgeCheck(" in code


# -- spelling -------------------------------------------------------------------------


def wordlist() -> dict[str, str]:
    """The reviewed project words: ``word -> reason``."""
    words = {}
    for line in WORDLIST.read_text(encoding="utf-8").splitlines():
        word, _, reason = line.partition("#")
        if word.strip():
            words[word.strip()] = reason.strip()
    return words


def prose(markdown: str) -> str:
    """The words of a Markdown cell: no code, URLs, link targets, HTML or formatting."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    return re.sub(r"[*_#>|~]", " ", text)


def hunspell_flags(text: str) -> list[str]:
    result = subprocess.run(
        [HUNSPELL, "-d", "de_DE", "-i", "utf-8", "-l"],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return result.stdout.split()


def unknown_words(text: str, accepted: set[str]) -> set[str]:
    """The words hunspell flags in ``text`` that the word list does not accept."""

    def ok(word: str) -> bool:
        return word in accepted or word[:1].lower() + word[1:] in accepted

    flagged = set()
    for token in hunspell_flags(text):
        word = token.strip(".,;:!?()[]\"'„“”‚‘’»«…/–—-")
        if word and not word.isdigit() and not ok(word):
            flagged.add(word)
    # Hyphenated compounds ("Click-&-Collect-Theke") and pieces hunspell cut off at a
    # hyphen ("30- bis 49-jährigen") pass when every part passes on its own.
    parts = {p for w in flagged for p in w.split("-") if p and p != "&"}
    bad_parts = {p for p in hunspell_flags("\n".join(sorted(parts))) if not ok(p)}
    return {w for w in flagged if any(p in bad_parts for p in w.split("-"))}


needs_hunspell = pytest.mark.skipif(
    HUNSPELL is None or not DICTIONARY.exists(),
    reason="hunspell or its de_DE dictionary is missing (`make test` installs "
    "hunspell and hunspell-de-de as root); German spell check skipped",
)


@needs_hunspell
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_german_spelling(path):
    """Does hunspell de_DE accept every word of the Markdown cells (or the word list)?"""
    text = "\n".join(prose(m) for m in markdown_of(read(path)))
    assert sorted(unknown_words(text, set(wordlist()))) == []


def case_texts() -> dict[str, str]:
    """Industry -> the chapters' texts about its case (``chapter_texts.yaml``), as prose."""
    from cjmlib import datasets
    from cjmlib.datasets.industry_data import chapter_texts

    return {
        key: "\n".join(
            prose(text) for texts in chapter_texts(key).chapters.values() for text in texts.values()
        )
        for key in datasets.industries()
    }


@needs_hunspell
def test_german_spelling_of_case_texts():
    """The case texts a chapter shows for the picked industry are checked like its Markdown."""
    accepted = set(wordlist())
    unknown = {key: sorted(unknown_words(text, accepted)) for key, text in case_texts().items()}
    assert {key: words for key, words in unknown.items() if words} == {}


@needs_hunspell
def test_wordlist_is_honest():
    """Is every word-list entry needed (flagged by hunspell), used and explained?"""
    words = wordlist()
    assert words, "chapters/wortliste.txt is empty"
    assert all(words.values()), [w for w, why in words.items() if not why]
    flagged = set(hunspell_flags("\n".join(words)))
    assert sorted(set(words) - flagged) == [], "hunspell already knows these words"
    # The Python primer (00b_…) sits between the start page and chapter 1.
    read_by_trainees = [*NOTEBOOKS, *CHAPTERS.glob("00b_*.ipynb")]
    corpus = "\n".join(prose(m) for p in read_by_trainees for m in markdown_of(read(p)))
    corpus += "\n" + "\n".join(case_texts().values())
    forms = {w: {w, w[:1].upper() + w[1:]} for w in words}
    unused = [
        w
        for w, spellings in forms.items()
        if not any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", corpus) for f in spellings)
    ]
    assert unused == [], "word-list entries no chapter uses"


# -- execution ------------------------------------------------------------------------


def run_chapter(name: str) -> dict:
    """Run chapter ``name`` top to bottom on a fresh kernel, in a copy of ``chapters/``
    with a fresh workbook (in a worker process of the ``executed`` fixture)."""
    import os
    import tempfile

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    with tempfile.TemporaryDirectory(prefix="cjm-kapitel-") as tmp:
        folder = Path(tmp) / "chapters"
        shutil.copytree(CHAPTERS, folder, ignore=shutil.ignore_patterns("arbeitsbuch", ".ipynb*"))
        workbook = Path(tmp) / "arbeitsbuch" / "mein_projekt.cjm.json"
        env = {**os.environ, "CJM_WORKBOOK": str(workbook), "MPLBACKEND": "Agg"}
        nb = read(folder / name)
        client = NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=False,
            resources={"metadata": {"path": str(folder)}},
        )
        start = time.perf_counter()
        try:
            client.execute(env=env)
            error = None
        except CellExecutionError as exc:
            error = str(exc)[-3000:]
        seconds = time.perf_counter() - start
        return {"nb": nb, "seconds": seconds, "error": error, "wrote": untouched_workbook(workbook)}


@pytest.fixture(scope="module")
def executed(request) -> dict[str, dict]:
    """The chapters whose run is tested here, two at a time (one kernel per core)."""
    started = time.time()
    names = [path.name for path in selected(request, "test_runs_top_to_bottom", "path")]
    runs = two_at_a_time(run_chapter, names)
    for run in runs.values():
        run["started"] = started
    return runs


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_runs_top_to_bottom(path, executed, request):
    """Does the chapter run on a fresh kernel without any error output?"""
    run = executed[path.name]
    nb, seconds = run["nb"], run["seconds"]
    request.node.user_properties.append(("run_time_s", round(seconds, 2)))
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\n[chapter run time] {path.name}: {seconds:.1f} s")
    print(f"{path.name}: {seconds:.1f} s")
    assert run["error"] is None, run["error"]
    problems = [
        (cell.get("id"), out.get("ename") or out.get("text", "")[:300])
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")
    ]
    assert problems == []
    assert long_printed_lines(nb.cells) == []
    assert ungrouped_numbers(nb.cells) == []
    assert hyphen_minus_numbers(nb.cells) == []
    assert table_problems(nb) == []
    assert other_industries_shown(nb) == []
    assert run["wrote"] == []
    assert not (CHAPTERS / "arbeitsbuch").exists() or not any(
        p.stat().st_mtime > run["started"] - 5 for p in (CHAPTERS / "arbeitsbuch").rglob("*")
    ), "a chapter wrote into the repository's arbeitsbuch/"


# -- what the trainee sees in the outputs -------------------------------------------------


def other_industries_shown(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Names of another industry's case in the outputs of the running case's chapter:
    its company, personas and words, or an entry the running case does not have.

    Cells tagged ``alle-branchen`` compare the five industries on purpose. The other
    industries' tracks are checked the same way in ``test_industry_tracks.py``.
    """
    from cjmlib import datasets

    foreign = foreign_words(datasets.RUNNING_CASE)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "alle-branchen" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + [
                v if isinstance(v, str) else str(v)
                for k, v in out.get("data", {}).items()
                if not k.startswith("image/")
            ]
            found += [(cell.id, w) for w in sorted(foreign) if any(w in x for x in texts)]
    return found


RAW_TOKENS = re.compile(r"(?<![\w-])(NaN|nan|None|True|False|<NA>|NaT)(?![\w-])")
ID_PATTERN = re.compile(
    r"(?<![\w-])(seg|per|tp|pp|sol|hyp|act|rev|need|fb)-[a-z0-9]+(?:-[a-z0-9]+)*"
)
# An English decimal ("0.357", "22.07") or grouping ("1,234.5"); German "7.500" is fine.
ENGLISH_NUMBER = re.compile(r"^-?0\.\d+$|^-?\d+\.(\d{1,2}|\d{4,})$|^-?\d{1,3}(,\d{3})+\.\d+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")


def internal_ids() -> set[str]:
    """Ids a trainee should never read: every phase id and entry id of the sample data."""
    from cjmlib import datasets
    from cjmlib.display import names_of
    from cjmlib.model import PRESETS, preset

    ids = {phase_id for key in PRESETS for phase_id in preset(key).ids}
    for industry in datasets.industries():
        ids |= set(names_of(datasets.load(industry, "workbook")))
        ids.add(industry)
    # A phase id that is also its own German name ("Kauf" vs "kauf") is only an id in
    # lower case; names start with a capital letter.
    return {i for i in ids if i != i.capitalize()}


def cells_of(html_text: str) -> tuple[list[str], list[str]]:
    """The header texts and cell texts of the HTML tables in one output."""
    import html as html_lib

    def texts(tag: str) -> list[str]:
        found = re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html_text, flags=re.DOTALL)
        return [html_lib.unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found]

    return texts("th"), texts("td")


def table_problems(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Tables and values shown with English headers, internal ids or raw Python values."""
    ids = internal_ids()
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                continue
            texts = [out.get("text", "")] if out.output_type == "stream" else []
            html_text = data.get("text/html", "")
            if "<table" in html_text:
                headers, cells = cells_of(html_text)
                for header in headers:
                    if header and (IDENTIFIER.match(header) or "_" in header):
                        problems.append((cell.id, f"English column {header!r}"))
                # A cell or header that is exactly an id (a phase id like "ueberlegung").
                problems += [(cell.id, f"internal id {c!r}") for c in headers + cells if c in ids]
                problems += [
                    (cell.id, f"not a German number or date {c!r}")
                    for c in cells
                    if ENGLISH_NUMBER.match(c) or ISO_DATE.match(c)
                ]
                texts += headers + cells
            elif "text/plain" in data and not any(k.startswith("application/vnd") for k in data):
                texts.append(data["text/plain"])
            for text in texts:
                for token in RAW_TOKENS.findall(text):
                    problems.append((cell.id, f"raw value {token!r}"))
                for match in ID_PATTERN.finditer(text):
                    problems.append((cell.id, f"internal id {match.group(0)!r}"))
    return problems


def untouched_workbook(path: Path) -> list[str]:
    """What "Run All" wrote into a fresh workbook: entries, project info, snapshots."""
    from cjmlib.messages import t
    from cjmlib.model import COLLECTIONS
    from cjmlib.workbook import Workbook

    if not path.exists():
        return []
    wb = Workbook.open(path)
    found = [f"{c}: {len(getattr(wb.project, c))}" for c in COLLECTIONS if getattr(wb.project, c)]
    if wb.project.name != t("course.default_project_name") or wb.project.industry:
        found.append(f"project info: {wb.project.name!r}, {wb.project.industry!r}")
    found += [f"snapshot {s.name!r}" for s in wb.snapshots()]
    return found
