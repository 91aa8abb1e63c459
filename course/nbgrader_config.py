# nbgrader configuration of the CJM-Werkstatt course (read by every `nbgrader ...` command
# run in this folder, by the formgrader, and by `python -m cjmlib.grading.build`).
# The course walk-through for instructors is in README.md beside this file.
import os

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.CourseDirectory.course_id = "cjm-werkstatt"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# Only the notebooks of an assignment are graded; workbook files etc. stay as submitted.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.versionen"]

# The exchange for release/fetch/submit/collect is the hub's, set for everybody in a
# global config (/etc/jupyter/nbgrader_config.py; nbgrader's default is
# /srv/nbgrader/exchange). Not set here, so instructor and students always agree;
# CJM_EXCHANGE overrides it for a try-out on one machine (make lab-lehrende, tests).
if os.environ.get("CJM_EXCHANGE"):
    c.Exchange.root = os.environ["CJM_EXCHANGE"]

# German stubs for the parts a trainee fills in.
c.ClearSolutions.code_stub = {"python": "# DEIN CODE HIER"}
c.ClearSolutions.text_stub = "DEINE ANTWORT HIER"

# Autograding: restore deleted grade cells (they score 0 instead of "needs manual
# grade"), and run the notebooks in the sandbox (memory/CPU/file limits, survives a
# crashing kernel; see cjmlib/grading/sandbox.py).
c.OverwriteCells.add_missing_cells = True
# No notification text: nbgrader prepends it to the restored source, which changes the
# checksum of an answer cell (it would then wait for manual grading instead of scoring 0)
# and comments out the first line of a code cell (ours all start with a comment).
c.OverwriteCells.missing_cell_notification = ""
c.Autograde.autograde_preprocessors = [
    "cjmlib.grading.sandbox.SandboxExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Execute.timeout = 30  # seconds per cell; an endless loop is interrupted and scores 0
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 180  # seconds for a kernel to start on a busy machine
c.SandboxKernelManager.memory_limit_mb = 3072
c.SandboxKernelManager.cpu_limit_s = 600
c.SandboxKernelManager.file_limit_mb = 100

# Feedback: no hidden test code and no tracebacks of hidden tests in the HTML.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "cjmlib.grading.feedback.HideHiddenTests",
]
