# nbgrader configuration of the CJM-Werkstatt course (read by every `nbgrader ...` command
# run in this folder, by the formgrader, and by `python -m cjmlib.grading.build`).
# The course walk-through for instructors is in README.md beside this file.
import importlib.util
import os

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.CourseDirectory.course_id = "cjm-werkstatt"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# Only the notebooks of an assignment are graded; workbook files etc. stay as submitted.
# judges.py knows the answers: it is never released, never copied into a student's
# autograded folder (nbgrader copies source files there, minus these patterns), and a
# judges.py a student hands in is ignored. tasks.py and data.json are released and
# overwrite whatever a submission brings.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.versionen",
    "judges.py",
]

# Release the graded edition: cells tagged "selbststudium" (e.g. the note on solution())
# are dropped first, then nbgrader's usual steps (see cjmlib/grading/editions.py).
c.GenerateAssignment.preprocessors = [
    "cjmlib.grading.editions.KeepEdition",
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# The exchange for release/fetch/submit/collect is the hub's, set for everybody in a
# global config (/etc/jupyter/nbgrader_config.py; nbgrader's default is
# /srv/nbgrader/exchange). Not set here, so instructor and students always agree;
# CJM_EXCHANGE overrides it for a try-out on one machine (make lab-lehrende, tests).
if os.environ.get("CJM_EXCHANGE"):
    c.Exchange.root = os.environ["CJM_EXCHANGE"]

# German stubs for the parts a trainee fills in.
c.ClearSolutions.code_stub = {"python": "# DEIN CODE HIER"}
c.ClearSolutions.text_stub = "DEINE ANTWORT HIER"

# Autograding: restore locked and deleted grade cells from the gradebook, reporting
# real tampering in one German line per cell (and no false checksum alarms, nbgrader
# #1961; see cjmlib/grading/integrity.py); deleted cells score 0 instead of "needs
# manual grade". Then run every notebook's kernel in the bubblewrap sandbox (no network,
# no view of this folder or the gradebook, memory/CPU/file/process limits, survives
# crashes and kernels that ignore interrupts; see cjmlib/grading/sandbox/ and README.md),
# where test cells are judged by the grader on the answers the kernel hands over
# (cjmlib/grading/verdicts.py).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "cjmlib.grading.integrity.ReportingOverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
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
c.SandboxKernelManager.process_limit = 256
# Without bubblewrap, `nbgrader autograde` stops before touching any submission and says
# how to install it. Opting out (only for your own test submissions, a warning per
# submission): `nbgrader autograde ... --SandboxKernelManager.use_sandbox=False`.
c.SandboxKernelManager.use_sandbox = True
c.Autograde.pre_convert_hook = "cjmlib.grading.sandbox.stop_without_sandbox"

# Feedback: no hidden test code and no tracebacks of hidden tests in the HTML, and a page
# in German (headings, points, comments, the score summary: the template feedback_de
# beside cjmlib/grading/feedback.py, its texts from the message catalogue).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "cjmlib.grading.feedback.HideHiddenTests",
    "cjmlib.grading.feedback.GermanFeedback",
]
# The German template goes to generate_feedback's own exporter class only: set on
# HTMLExporter it would also replace the formgrader's "formgrade" page (which broke it).
_cjmlib = importlib.util.find_spec("cjmlib")  # found without importing the library
if _cjmlib is not None and _cjmlib.submodule_search_locations:
    c.GenerateFeedback.exporter_class = "cjmlib.grading.feedback.GermanFeedbackExporter"
    c.GermanFeedbackExporter.template_name = "feedback_de"
    c.GermanFeedbackExporter.extra_template_basedirs = [
        os.path.join(_cjmlib.submodule_search_locations[0], "grading", "templates")
    ]
