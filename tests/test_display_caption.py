"""Is a table's title shown over the whole column, not squeezed to a narrow table's width?

Seen in the screenshots at 1366 px: an HTML ``<caption>`` wraps at the width of its
table, so "Kundinnen und Kunden nach Ortsgröße" over a two-column table broke into
three lines. The title is now a block above the table.
"""

from __future__ import annotations

import re

import pandas as pd

from cjmlib.display import show_table


def test_the_caption_is_a_block_above_the_table_not_inside_it():
    html = show_table(pd.Series({"Großstadt": 4047}, name="count"), caption="Kunden nach Ortsgröße")
    html = html._repr_html_()
    table = re.search(r"<table.*?</table>", html, flags=re.DOTALL).group(0)
    assert "Kunden nach Ortsgröße" not in table
    assert html.index("Kunden nach Ortsgröße") < html.index("<table")
