"""The journey map in a real browser (headless Chromium, offline vega-embed bundle):
it renders, its tooltips show what trainees typed as text, and no script runs."""

from __future__ import annotations

import shutil

import pytest
import vl_convert as vlc
from _charts_fixtures import XSS, small_project

from cjmlib.charts import journey_map_chart
from cjmlib.model import JourneyProject
from tests._browser import CHROMIUM, chromium

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def page():
    if not shutil.which(CHROMIUM):
        pytest.skip("chromium fehlt: installiere es mit apt (Paket chromium)")
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1400, "height": 1000})


def test_map_tooltip_shows_user_text_as_text_only(page, tmp_path):
    data = small_project().model_dump()
    data["touchpoints"][0]["name"] = XSS + " Anzeige"
    project = JourneyProject.model_validate(data)
    html = vlc.vegalite_to_html(journey_map_chart(project).to_dict(), bundle=True)
    assert '"renderer":"svg"' in html.replace(" ", "")
    path = tmp_path / "karte.html"
    path.write_text(html, encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("svg .mark-symbol path", timeout=30_000)
    texts = page.eval_on_selector_all("svg text", "els => els.map(e => e.textContent)")
    assert "Überlegung" in texts and "−2" in texts
    target = page.locator("svg .mark-symbol path[aria-label*='onerror']").first
    target.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "‹img src=x onerror=alert(1)› Anzeige" in tooltip.inner_text()
    assert page.eval_on_selector_all("#vg-tooltip-element *", "els => els.length") > 0
    assert page.eval_on_selector_all("img", "els => els.length") == 0
    assert dialogs == []
