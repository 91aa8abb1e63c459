"""Import and export: CSV/Excel tables, chart images, Mermaid text and reports."""

from cjmlib.io.capstone import CapstoneExport, export_capstone
from cjmlib.io.images import chart_bytes, save_chart
from cjmlib.io.mermaid import mermaid_journey, mermaid_markdown, save_mermaid
from cjmlib.io.reports import html_report, markdown_report, save_report
from cjmlib.io.table_export import export_project_tables, export_table, neutralise, project_tables
from cjmlib.io.tables import (
    ImportResult,
    export_collection,
    import_personas,
    import_table,
    import_touchpoints,
    read_table,
    table_frame,
)
from cjmlib.io.verification_report import save_verification_report, verification_report
from cjmlib.io.worksheets import write_worksheets

__all__ = [
    "CapstoneExport",
    "ImportResult",
    "chart_bytes",
    "export_capstone",
    "export_collection",
    "export_project_tables",
    "export_table",
    "html_report",
    "import_personas",
    "import_table",
    "import_touchpoints",
    "markdown_report",
    "mermaid_journey",
    "mermaid_markdown",
    "neutralise",
    "project_tables",
    "read_table",
    "save_chart",
    "save_mermaid",
    "save_report",
    "save_verification_report",
    "table_frame",
    "verification_report",
    "write_worksheets",
]
