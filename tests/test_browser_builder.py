"""Can a trainee build a persona in a real JupyterLab, and is it still there after a reload?

Starts JupyterLab the way the README does (from ``.venv``), opens a notebook that shows
``PersonaBuilder(wb)``, and drives it in headless Chromium with playwright: type, click
"Speichern", see the card, reload, run again, find the persona. Screenshots go to
``/tmp/widgets_review/`` (or ``$CJM_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from cjmlib.workbook import Workbook
from tests._browser import CHROMIUM, chromium, running_lab

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("CJM_SCREENSHOTS", "/tmp/widgets_review"))
EVIL = "<img src=x onerror=alert(1)>"
CELL = """\
from cjmlib.workbook import Workbook
from cjmlib.widgets import PersonaBuilder

wb = Workbook.open("projekt.cjm.json")
builder = PersonaBuilder(wb)
builder"""
SETUP = """\
from cjmlib.model import CHANNELS
from cjmlib.workbook import Workbook
from cjmlib.widgets import *

wb = Workbook.open("galerie.cjm.json")
if not len(wb.touchpoints):
    lena = wb.personas.add(name="Lena", age=34)
    ids = wb.phase_model.ids
    wb.touchpoints.add_many([dict(name=f"Touchpoint {i}", phase=ids[i % 5],
                                  channel=CHANNELS[i % 6], relevance=1 + i % 5,
                                  emotion=(i % 5) - 2) for i in range(40)])
    wb.touchpoints.add(name=EVIL, phase="kauf", channel="App", relevance=5,
                       moment_of_truth=True)
    wb.needs.add(persona_id=lena.id, need="Schnelle Lieferung", importance=9, satisfaction=3)
    pain = wb.pain_points.add(title="Lange Wartezeit", severity=5, frequency=4)
    wb.solutions.add(title="Rückruf-Service", impact=5, effort=2, pain_point_ids=[pain.id])
"""
GALLERY = {
    "touchpoints": "TouchpointInventory(wb)",
    "goal": "GoalBuilder(wb)",
    "needs": "NeedsMatrix(wb)",
    "phases": "PhaseEditor(wb)",
    "emotion": "EmotionEditor(wb)",
    "boards": "SolutionBoard(wb)",
    "learning": (
        "KnowledgeCheck(wb, '04', [dict(id='a', text='Wie viele Phasen?', "
        "choices=['2', '4 bis 8'], correct=1, explanation='Vier bis acht.')])"
    ),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port, serving a tmp folder with one notebook."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium fehlt ({CHROMIUM}); installiere es mit `apt-get install chromium`.")
    folder = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "persona.ipynb")
    gallery = nbformat.v4.new_notebook()
    codes = list(GALLERY.values())
    gallery.cells = [nbformat.v4.new_code_cell(f"EVIL = {EVIL!r}\n" + SETUP + codes[0])] + [
        nbformat.v4.new_code_cell(code) for code in codes[1:]
    ]
    gallery.metadata["kernelspec"] = nb.metadata["kernelspec"]
    nbformat.write(gallery, folder / "galerie.ipynb")
    settings = tmp_path_factory.mktemp("settings")
    # No news or update toasts over the notebook; no restored layout from elsewhere.
    notes = settings / "@jupyterlab" / "apputils-extension"
    notes.mkdir(parents=True)
    (notes / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    token = secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("workspaces")),
        "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("runtime")),
    }
    with running_lab(folder, token, folder.parent / "jupyter.log", env) as url:
        yield {"url": url, "token": token, "folder": folder}


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, locale="de-DE")
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append((dialog.type, dialog.message))
        with contextlib.suppress(Exception):
            if dialog.type == "beforeunload":
                dialog.accept()
            else:
                dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


def _open_and_run(page, lab, notebook="persona.ipynb", selector=".cjm-field-name input"):
    # "reset" starts from an empty workspace, so only this notebook is open.
    page.goto(f"{lab['url']}/lab/tree/{notebook}?reset&token={lab['token']}")
    cell = page.locator(".jp-Notebook:visible .jp-Cell.jp-CodeCell").first
    cell.wait_for(timeout=60_000)
    page.locator("#jp-main-statusbar", has_text="Idle").wait_for(timeout=90_000)
    name = page.locator(selector).first
    # A run sent while the kernel connection is still settling can be dropped by the
    # front end; run the cell in place (Ctrl+Enter) again until its output appears.
    for _attempt in range(4):
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")
        try:
            name.wait_for(timeout=30_000)
            return name
        except Exception:
            continue
    _shot(page, "00_failed_to_render.png")
    raise AssertionError("Der PersonaBuilder wurde im Browser nicht angezeigt.")


def _text(locator) -> str:
    """Visible text with non-breaking spaces (used by ipywidgets' dropdowns) made plain."""
    return locator.inner_text().replace("\xa0", " ")


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _assert_no_error_output(page):
    assert page.locator(".jp-OutputArea-output[data-mime-type*='stderr']").count() == 0
    assert page.locator(".jp-RenderedText:has-text('Traceback')").count() == 0
    assert page.locator(".jp-OutputArea-output:has-text('Error displaying widget')").count() == 0


def test_persona_built_in_the_browser_survives_a_reload(page, lab):
    name = _open_and_run(page, lab)
    _shot(page, "01_persona_builder_empty.png")
    assert page.get_by_text("Persona-Baukasten").count() >= 1
    assert page.get_by_text("Bevorzugte Kanäle").count() >= 1
    assert page.get_by_text("Speichern", exact=True).count() >= 1

    name.fill("Lena Berger")
    page.locator(".cjm-field-age input").fill("34")
    page.locator(".cjm-field-occupation input").fill("Lehrerin")
    page.locator(".cjm-field-location input").fill("Köln")
    page.locator(".cjm-field-quote input").fill("Ich will schnell wissen, ob es passt.")
    page.locator(".cjm-field-channels textarea").fill("App\nFiliale")
    page.locator(".cjm-field-gender select").select_option(label="weiblich")
    card = page.locator(".cjm-card-preview .cjm-card")
    card.filter(has_text="Lena Berger").wait_for(timeout=20_000)
    page.locator(".cjm-save").click()
    page.locator(".cjm-status", has_text="gespeichert").wait_for(timeout=20_000)
    page.locator(".cjm-gallery .cjm-card", has_text="Lena Berger").wait_for(timeout=20_000)
    _shot(page, "02_persona_saved.png")
    _assert_no_error_output(page)

    saved = Workbook.open(lab["folder"] / "projekt.cjm.json").personas["Lena Berger"]
    assert (saved.age, saved.location, saved.channels) == (34, "Köln", ["App", "Filiale"])

    page.reload()
    _open_and_run(page, lab)
    page.locator(".cjm-gallery .cjm-card", has_text="Lena Berger").wait_for(timeout=30_000)
    assert "Lena Berger" in _text(page.locator(".cjm-selector select"))
    _shot(page, "03_after_reload.png")
    _assert_no_error_output(page)
    assert [d for d in page.dialogs if d[0] != "beforeunload"] == []


def test_invalid_age_shows_german_hint_in_the_browser(page, lab):
    name = _open_and_run(page, lab)
    name.fill("Jonas")
    age = page.locator(".cjm-field-age input")
    age.fill("abc")
    page.locator(".cjm-save").click()
    hint = page.locator(".cjm-error", has_text="passt hier nicht")
    hint.wait_for(timeout=20_000)
    assert "14 bis 110" in hint.inner_text()
    assert age.input_value() == "abc"
    _shot(page, "04_invalid_age.png")
    assert "Jonas" not in [
        p.name for p in Workbook.open(lab["folder"] / "projekt.cjm.json").personas
    ]


def test_markup_in_a_name_shows_as_text(page, lab):
    name = _open_and_run(page, lab)
    name.fill(EVIL)
    page.locator(".cjm-save").click()
    page.locator(".cjm-gallery .cjm-card", has_text=EVIL).wait_for(timeout=20_000)
    page.locator(".cjm-selector select").select_option(label=EVIL)
    page.wait_for_timeout(1500)  # give an injected onerror handler every chance to fire
    _shot(page, "05_markup_as_text.png")
    assert page.locator(".jp-OutputArea img[src='x']").count() == 0
    assert EVIL in _text(page.locator(".cjm-card-preview"))
    assert EVIL in _text(page.locator(".cjm-selector select"))
    assert page.dialogs == [] or all(d[0] == "beforeunload" for d in page.dialogs)
    _assert_no_error_output(page)


def test_every_builder_renders_with_its_chart(page, lab):
    _open_and_run(page, lab, "galerie.ipynb")
    # The first cell (set-up and inventory) ran; run the others one after the other.
    page.keyboard.press("Shift+Enter")
    for _ in range(len(GALLERY) - 1):
        page.keyboard.press("Shift+Enter")
    cells = page.locator(".jp-Notebook:visible .jp-CodeCell")
    last = cells.nth(len(GALLERY) - 1)
    last.locator(".jp-OutputArea .widget-vbox").first.wait_for(timeout=120_000)
    # The inventory's overview is a Vega-Lite chart drawn by JupyterLab itself (offline).
    inventory = cells.nth(0)
    inventory.locator(".vega-embed").first.wait_for(timeout=60_000)
    assert inventory.locator(".vega-embed canvas, .vega-embed svg").count() >= 1
    assert "&lt;img" not in _text(inventory)  # escaped once, not twice
    # The table fills in after the chart on a loaded machine: wait for its rows.
    table = inventory.locator(".cjm-table", has_text=EVIL).first
    table.wait_for(timeout=60_000)
    # JupyterLab skips drawing cells outside the viewport and draws a cell scrolled into
    # view on a later frame: scroll to it as a person would, then wait for the visible text.
    table.scroll_into_view_if_needed()
    expect(table).to_contain_text(EVIL, use_inner_text=True, timeout=30_000)
    assert page.locator(".jp-OutputArea img[src='x']").count() == 0
    _assert_no_error_output(page)
    page.set_viewport_size({"width": 1400, "height": 5200})  # whole outputs in the shots
    page.wait_for_timeout(1000)
    for i, name in enumerate(GALLERY):
        output = cells.nth(i).locator(".jp-OutputArea").first
        output.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        output.screenshot(path=str(SHOTS / f"1{i + 1}_{name}.png"))
    assert [d for d in page.dialogs if d[0] != "beforeunload"] == []


OVERFLOW = """() => {
  const outputs = '.jp-Notebook:not(.lm-mod-hidden) .jp-OutputArea-output';
  const area = [...document.querySelectorAll(outputs)]
    .find(o => o.querySelector('.widget-box, .widget-container'));
  const limit = area.getBoundingClientRect().right + 2;
  return [...area.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > limit)
    .slice(0, 5).map(e => e.className + ': ' + Math.round(e.getBoundingClientRect().right));
}"""


def test_a_500_character_name_keeps_the_layout(page, lab):
    """A very long name wraps or is cut inside the widget; nothing sticks out to the right."""
    page.set_viewport_size({"width": 1366, "height": 1400})
    name = _open_and_run(page, lab)
    long_name = "Lena-" + "x" * 300 + " " + "Berger " * 28
    long_name = long_name[:500]
    name.fill(long_name)
    page.locator(".cjm-field-age input").fill("abc")  # a live error under the field too
    page.locator(".cjm-save").click()
    page.locator(".cjm-error", has_text="passt hier nicht").wait_for(timeout=20_000)
    page.locator(".cjm-field-age input").fill("34")
    page.locator(".cjm-save").click()
    page.locator(".cjm-status", has_text="gespeichert").wait_for(timeout=20_000)
    page.wait_for_timeout(1000)
    _shot(page, "06_long_name.png")
    assert page.evaluate(OVERFLOW) == []
    # The buttons keep their labels, and the status line names the entry briefly.
    for button in page.locator(".jp-OutputArea button").all():
        if button.is_visible():
            assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), button.inner_text()
    assert len(page.locator(".cjm-status").first.inner_text()) < 160
    _assert_no_error_output(page)
