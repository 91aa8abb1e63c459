"""Do the shared form helpers pick the right fields, keep input and escape output?"""

from __future__ import annotations

from cjmlib.charts.render import VEGALITE_MIME
from cjmlib.model import Action, Persona, Touchpoint
from cjmlib.widgets.base import (
    ConfirmDelete,
    LiveChart,
    ModelForm,
    NumberText,
    StatusLine,
    field_errors,
    field_kind,
    html_table,
)

EVIL = "<img src=x onerror=alert(1)>"


def test_field_kinds_follow_the_model():
    assert field_kind(Persona, "gender")[0] == "choice"
    assert field_kind(Persona, "age")[0] == "number"
    assert field_kind(Persona, "channels")[0] == "lines"
    assert field_kind(Persona, "evidence")[0] == "evidence"
    assert field_kind(Persona, "buying_habits")[0] == "longtext"
    assert field_kind(Persona, "occupation")[0] == "text"
    assert field_kind(Touchpoint, "relevance") == ("score", (1, 5))
    assert field_kind(Touchpoint, "online")[0] == "bool"
    assert field_kind(Action, "due")[0] == "date"


def test_form_labels_are_german_and_values_convert():
    form = ModelForm(Persona, ["name", "age", "channels"])
    assert [form.labels[n] for n in form.names] == ["Name", "Alter", "Bevorzugte Kanäle"]
    form["name"].value = "  Lena "
    form["age"].value = 34  # numbers can be set from code and show as text
    form["channels"].value = "App\n\nWebsite; Filiale"
    assert form.values() == {"name": "Lena", "age": "34", "channels": ["App", "Website", "Filiale"]}
    assert isinstance(form["age"], NumberText) and form["age"].value == "34"


def test_field_errors_name_every_bad_field():
    errors = field_errors(Persona, {"name": "", "age": "abc", "gender": "anders"})
    assert set(errors) == {"name", "age", "gender"}
    assert "weiblich" in errors["gender"]
    assert field_errors(Persona, {"name": "Lena", "age": "34"}) == {}


def test_show_errors_escapes_and_clears():
    form = ModelForm(Persona, ["name"])
    form.show_errors({"name": EVIL, "": "allgemein"})
    assert "&lt;img" in form.errors["name"].value and "<img src=x" not in form.errors["name"].value
    assert "allgemein" in form.general_error.value
    form.clear_errors()
    assert form.errors["name"].value == "" and form.error == ""


def test_html_table_escapes_cells_and_headers():
    html = html_table([EVIL], [[EVIL], ["ok"]], selected=1)
    assert html.count("&lt;img") == 2 and "<img src=x" not in html
    assert 'class="cjm-sel"' in html


def test_confirm_delete_asks_first():
    calls = []
    confirm = ConfirmDelete(lambda: calls.append(1))
    confirm.yes_button.click()
    assert calls == []  # nothing happens without the question
    confirm.button.click()
    confirm.no_button.click()
    assert calls == [] and not confirm.pending
    confirm.button.click()
    confirm.yes_button.click()
    assert calls == [1]


def test_status_line_escapes():
    status = StatusLine()
    status.fail(EVIL)
    assert "&lt;img" in status.value and status.kind == "fail"
    status.ok("gespeichert")
    assert "✓" in status.value


def test_live_chart_falls_back_to_the_table_when_a_chart_fails():
    chart = LiveChart()
    chart.show("touchpoint_heatmap_chart", ("kein Projekt",), {}, lambda: "<p>Tabelle</p>")
    assert chart.chart is None and "Tabelle" in chart.fallback.value
    assert chart.chart_error  # the reason is kept for tests and debugging


def test_live_chart_uses_jupyterlabs_own_vega_lite_renderer(workbook):
    workbook.touchpoints.add(name="Kasse", phase="kauf", channel="Filiale")
    chart = LiveChart()
    chart.show("touchpoint_heatmap_chart", (workbook.project,), {}, lambda: "", key=1)
    (output,) = chart.output.outputs
    assert VEGALITE_MIME in output["data"] and chart.chart_error == ""
    chart.output.outputs = ()
    chart.show("touchpoint_heatmap_chart", (workbook.project,), {}, lambda: "", key=1)
    assert chart.output.outputs == ()  # same key: nothing to redraw
