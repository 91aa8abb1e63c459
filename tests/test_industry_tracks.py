"""Industry tracks: the trainee picks an industry on the start page, every chapter follows it.

* the choice is a course setting in ``arbeitsbuch/einstellungen.json`` (beside the
  workbook, never inside it), read by ``cjmlib.course.my_industry``; a broken file gives a
  German note and the running case, and loses nothing; ``CJM_BRANCHE`` overrides it;
* the picker widget saves at once and says so, or says in German why not;
* each industry's case texts (``industry.yaml`` ``track``) fit its own sample workbook:
  purchase steps, review solution, new touchpoint, export file and funnel;
* every chapter and the Python primer run for every other industry (the running case is
  run by ``test_chapters.py`` and ``test_primer.py``), print no line wider than
  ``TEXT_WIDTH``, and no output names another industry's company, personas or words, nor
  the name of one of its entries (touchpoints, pain points, solutions, evidence rules) that
  this industry does not have (cells tagged ``alle-branchen`` compare all five industries
  on purpose and are skipped; no other cell is exempt).

The chapters of one industry run in one kernel, one after another (a fresh workbook and
``%reset`` between chapters), so the imports are paid once per industry, not 52 times.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from _outputs import (
    entry_names,
    foreign_words,
    hyphen_minus_numbers,
    long_printed_lines,
    ungrouped_numbers,
)
from _pool import two_at_a_time

from cjmlib import analytics, course, datasets
from cjmlib.datasets.industry_data import catalogue
from cjmlib.errors import CJMError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
#: every notebook a trainee works through: the start page, the primer, chapters 1-13.
NOTEBOOKS = sorted([*CHAPTERS.glob("[0-9][0-9]_*.ipynb"), *CHAPTERS.glob("00b_*.ipynb")])
OTHER_INDUSTRIES = [key for key in datasets.industries() if key != datasets.RUNNING_CASE]
SKIP_TAG = "alle-branchen"


# -- the setting -----------------------------------------------------------------------


def test_running_case_until_the_trainee_picks(monkeypatch):
    monkeypatch.delenv(course.INDUSTRY_ENV, raising=False)
    assert course.my_industry() == "einzelhandel"
    assert not course.settings_path().exists()


def test_choice_is_stored_beside_the_workbook_not_in_it(monkeypatch):
    monkeypatch.delenv(course.INDUSTRY_ENV, raising=False)
    wb = course.my_workbook(quiet=True)
    before = wb.path.read_bytes()
    path = course.choose_industry("reise")
    assert path == course.settings_path() == wb.path.parent / "einstellungen.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {"branche": "reise"}
    assert course.my_industry() == "reise"
    assert wb.path.read_bytes() == before


def test_unknown_choice_is_refused_in_german(monkeypatch):
    monkeypatch.delenv(course.INDUSTRY_ENV, raising=False)
    with pytest.raises(CJMError, match="Branche"):
        course.choose_industry("raumfahrt")
    assert not course.settings_path().exists()


@pytest.mark.parametrize("text", ["{kaputt", '{"branche": "raumfahrt"}', "[]", '{"b": 1}'])
def test_broken_settings_file_falls_back_and_is_kept(monkeypatch, capsys, text):
    monkeypatch.delenv(course.INDUSTRY_ENV, raising=False)
    path = course.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    assert course.my_industry() == "einzelhandel"
    said = capsys.readouterr().out
    assert "nicht lesbar oder nennt keine bekannte Branche" in said
    assert "Einzelhandel" in said and "Startseite" in said
    assert path.read_text(encoding="utf-8") == text


def test_environment_overrides_the_file(monkeypatch):
    course.choose_industry("bank")
    monkeypatch.setenv(course.INDUSTRY_ENV, "gesundheit")
    assert course.my_industry() == "gesundheit"
    monkeypatch.setenv(course.INDUSTRY_ENV, "mars")
    with pytest.raises(CJMError, match="mars"):
        course.my_industry()


def test_picker_saves_at_once_and_says_so(monkeypatch):
    monkeypatch.delenv(course.INDUSTRY_ENV, raising=False)
    picker = course.industry_picker()
    assert picker.value == "einzelhandel"
    assert [key for _label, key in picker.buttons.options] == list(datasets.industries())
    assert any("Nordstern Direktbank" in label for label, _key in picker.buttons.options)
    picker.buttons.value = "telekommunikation"
    assert picker.value == "telekommunikation"
    assert course.my_industry() == "telekommunikation"
    assert picker.status.kind == "ok"
    assert "Telekommunikation" in picker.status.message
    assert "Restart Kernel and Run All Cells" in picker.status.message


def test_picker_reports_a_failed_save_and_keeps_the_old_choice():
    from cjmlib.widgets.industry import IndustryPicker

    def full_disk(_key):
        raise CJMError("Auf dem Datenträger ist kein Platz mehr.")

    picker = IndustryPicker({"a": ("A", "Fall A"), "b": ("B", "Fall B")}, "a", save=full_disk)
    picker.buttons.value = "b"
    assert picker.status.kind == "fail"
    assert "kein Platz" in picker.status.message
    assert picker.value == "a" and picker.buttons.value == "a"
    picker.value = "zzz"
    assert picker.status.kind == "fail" and "Wähle eine von: a, b" in picker.status.message
    assert picker.value == "a"


# -- the case texts --------------------------------------------------------------------


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_case_track_fits_its_workbook(industry):
    case = course.my_case(industry, note=False)
    project = case.project
    touchpoints = {tp.id for tp in project.touchpoints}
    assert set(case.track.purchase_steps) <= touchpoints
    assert case.track.review_solution in {s.id for s in project.solutions}
    assert case.company in project.name
    assert len(case.personas) == 3
    text = case.text("track.case_intro")
    assert case.company in text and all(name in text for name in case.personas)
    export = CHAPTERS / "daten" / case.track.export.file
    events = analytics.load_events(export, columns=case.track.export.columns, project=project)
    assert set(case.track.export.funnel) <= set(events["touchpoint"])
    assert events["phase"].notna().mean() > 0.8
    counted = analytics.funnel(events, case.track.export.funnel)
    assert counted["customers"].iloc[-1] >= 2


def test_generated_exports_are_current():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "case_exports.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


names_of = course.case_names


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_case_names_belong_to_one_industry(industry):
    """Is each industry's word list really its own (absent from the other sample workbooks)?"""
    others = {
        key: datasets.workbook_path(key).read_text(encoding="utf-8")
        for key in datasets.industries()
        if key != industry
    }
    found = {(w, key) for w in names_of(industry) for key, text in others.items() if w in text}
    assert found == set()


# -- every chapter in every track ------------------------------------------------------


def output_texts(cell: nbformat.NotebookNode) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append(out.get("text", ""))
        if out.output_type == "error":
            texts.append(f"{out.ename}: {out.evalue}")
        for mime, value in out.get("data", {}).items():
            if mime == "application/vnd.jupyter.widget-view+json" or mime.startswith("image/"):
                continue
            texts.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return texts


def track_notebook(industry: str, folder: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """All chapters in one notebook; a setup cell before each gives it a fresh workbook."""
    combined = nbformat.v4.new_notebook()
    chapter_of: list[str] = []
    for path in NOTEBOOKS:
        workbook = folder / "arbeitsbuch" / path.stem / "mein_projekt.cjm.json"
        setup = nbformat.v4.new_code_cell(
            "%reset -f\nimport os\n"
            f"os.environ['CJM_WORKBOOK'] = {str(workbook)!r}\n"
            f"os.environ['CJM_BRANCHE'] = {industry!r}"
        )
        combined.cells.append(setup)
        chapter_of.append(path.name)
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type == "code":
                combined.cells.append(cell)
                chapter_of.append(path.name)
    return combined, chapter_of


def run_track(industry: str) -> tuple[nbformat.NotebookNode, list[str], float]:
    """Run every chapter for ``industry`` in one fresh kernel (in a copy of ``chapters/``)."""
    import tempfile

    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix=f"cjm-track-{industry}-") as tmp:
        folder = Path(tmp) / "chapters"
        shutil.copytree(CHAPTERS, folder, ignore=shutil.ignore_patterns("arbeitsbuch", ".ipynb*"))
        nb, chapter_of = track_notebook(industry, Path(tmp))
        client = NotebookClient(
            nb,
            timeout=180,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(folder)}},
        )
        start = time.perf_counter()
        client.execute()
        return nb, chapter_of, time.perf_counter() - start


@pytest.fixture(scope="module")
def tracks() -> dict[str, tuple[nbformat.NotebookNode, list[str], float]]:
    """The four other industries' runs, two at a time (one kernel per core)."""
    return two_at_a_time(run_track, OTHER_INDUSTRIES)


def test_foreign_words_catch_another_industrys_entries():
    words = foreign_words("bank")
    assert {"Gipfelglück Outdoor", "Lena Hofmann", "Warenkorb und Checkout"} <= words
    assert "Wartezeit in der Hotline" not in words  # the bank's own touchpoint too
    assert not words & entry_names("bank")


def leaks_in(nb: nbformat.NotebookNode, chapter_of: list[str], industry: str) -> list[tuple]:
    """Outputs that name another industry's case (cells tagged ``alle-branchen`` aside)."""
    foreign = foreign_words(industry)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(foreign, key=len, reverse=True)))
    return sorted(
        {
            (chapter_of[i], cell.get("id"), hit)
            for i, cell in enumerate(nb.cells)
            if SKIP_TAG not in cell.get("metadata", {}).get("tags", [])
            for text in output_texts(cell)
            for hit in pattern.findall(text)
        }
    )


@pytest.mark.slow
@pytest.mark.parametrize("industry", OTHER_INDUSTRIES)
def test_every_chapter_runs_in_the_track_without_other_names(industry, tracks, request):
    nb, chapter_of, seconds = tracks[industry]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"\n[track run time] {industry}: {seconds:.1f} s for {len(NOTEBOOKS)} notebooks"
        )
    assert {"00b_Python_Grundlagen.ipynb", "10_Feedback.ipynb"} <= set(chapter_of)
    errors = [
        (chapter_of[i], cell.get("id"), text[:300])
        for i, cell in enumerate(nb.cells)
        # the primer's deliberate error, as in JupyterLab
        if "raises-exception" not in cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", [])
        if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")
        for text in [out.get("evalue") or out.get("text", "")]
    ]
    assert errors == []
    assert long_printed_lines(nb.cells) == []
    assert ungrouped_numbers(nb.cells) == []
    assert hyphen_minus_numbers(nb.cells) == []
    leaks = leaks_in(nb, chapter_of, industry)
    assert leaks == [], leaks
    shown = "\n".join(t for cell in nb.cells for t in output_texts(cell))
    assert catalogue()[industry].track.company in shown
    assert all(name in shown for name in course.my_case(industry, note=False).personas)


# -- chapter 10's evidence-rule demo ---------------------------------------------------


@pytest.mark.parametrize("industry", list(datasets.industries()))
def test_rule_demo_holds_on_the_first_export_and_its_texts_name_it(industry, tmp_path):
    """Chapter 10 adds the track's demo rules to a copy of the case and says all hold."""
    from cjmlib.datasets.industry_data import chapter_texts

    case = course.my_case(industry, note=False)
    demo = case.track.rule_demo
    wb = datasets.open_workbook(industry, tmp_path / "beispiel.cjm.json")
    kinds = {
        "survey": dict(claim="emotion", metric="ces", comparison="<"),
        "feedback": dict(claim="pain_point", metric="theme_share", comparison=">="),
        "builder": dict(claim="moment_of_truth", metric="csat", comparison=">="),
    }
    for name, kind in kinds.items():
        rule = getattr(demo, name)
        wb.evidence_rules.add(**rule.model_dump(exclude_defaults=True), **kind)
    data = {kind: datasets.load(industry, kind) for kind in ("events", "survey", "feedback")}
    checked = analytics.verify_map(wb, **data, title="Export Juli 2026", today="2026-08-05")
    statuses = {r.rule_id: r.status for r in checked.results}
    assert set(statuses.values()) == {"bestätigt"}, statuses
    touchpoints = {tp.id: tp for tp in case.project.touchpoints}
    assert touchpoints[demo.survey.target].emotion < 0
    assert touchpoints[demo.builder.target].moment_of_truth
    texts = chapter_texts(industry)
    said = {
        name: texts.text(f"10.{key}") or ""
        for name, key in [
            ("survey", "regel_umfrage"),
            ("feedback", "regel_feedback"),
            ("builder", "baukasten"),
        ]
    }
    assert f"„{touchpoints[demo.survey.touchpoint_id].name}“" in said["survey"]
    pain_point = next(pp for pp in case.project.pain_points if pp.id == demo.feedback.target)
    assert demo.feedback.touchpoint_id in pain_point.touchpoint_ids
    assert f"„{pain_point.title}“" in said["feedback"]
    assert f"„{touchpoints[demo.feedback.touchpoint_id].name}“" in said["feedback"]
    assert f"„{demo.feedback.theme}“" in said["feedback"]
    assert f"„{touchpoints[demo.builder.target].name}“" in said["builder"]
    assert f"mindestens {demo.builder.threshold:g} %" in said["builder"]


def test_a_demo_rule_naming_an_unknown_entry_is_refused_with_file_and_line(tmp_path):
    from cjmlib.datasets.industry_data import INDUSTRIES_DIR, load_industry

    shutil.copytree(INDUSTRIES_DIR / "bank", tmp_path / "bank")
    info = tmp_path / "bank" / "industry.yaml"
    text = info.read_text(encoding="utf-8")
    broken = text.replace("target: pp-konditionen-pdf", "target: pp-gibtsnicht", 1)
    assert broken != text
    info.write_text(broken, encoding="utf-8")
    with pytest.raises(CJMError) as err:
        load_industry("bank", tmp_path)
    line = next(i for i, s in enumerate(broken.splitlines(), 1) if "pp-gibtsnicht" in s)
    message = err.value.message
    assert f"industry.yaml, Zeile {line}" in message and "pp-gibtsnicht" in message
    assert "Pain Points" in message and "pp-konditionen-pdf" in message
