"""Do the set-up files agree with each other and with the README?"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml
from packaging.requirements import Requirement

from tests.conftest import ROOT


def _pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    parsed = [Requirement(r) for r in reqs]
    return {r.name.lower(): str(r.specifier) for r in parsed}


def _conda_requirements() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    pip: list = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
            continue
        if dep.startswith(("python=", "pip")) and not dep.startswith("pip-"):
            if dep == "pip" or dep.startswith("python="):
                continue
        req = Requirement(dep)
        conda[req.name.lower()] = str(req.specifier)
    return conda, pip


def test_environment_yml_lists_exactly_the_pyproject_packages_with_the_same_ranges():
    conda, _ = _conda_requirements()
    assert conda == _pyproject_requirements()


def test_environment_yml_uses_python_311_and_installs_the_project_editable():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    _, pip = _conda_requirements()
    assert "-e ." in pip


def test_pyproject_requires_python_311():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["requires-python"] == ">=3.11"


def test_readme_names_exactly_two_setup_commands_and_they_are_make_targets():
    readme = (ROOT / "README.md").read_text()
    setup = readme.split("## Einrichten", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", setup, flags=re.S)
    assert commands == ["make lab", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab:", makefile, flags=re.M)
    assert re.search(r"^test:", makefile, flags=re.M)


def test_ci_runs_the_readme_test_command_and_nothing_else():
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    commands = [line for line in lines if not line.startswith(("set ", "cd "))]
    assert commands == ["make test"]


def test_make_lab_opens_the_course_start_page():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "jupyter lab" in lab and "chapters/00_Start.ipynb" in lab
    assert (ROOT / "chapters" / "00_Start.ipynb").is_file()


def test_is_all_code_and_every_notebook_ruff_clean_and_formatted():
    # House style: ruff for lint and format, over the library, tests and every notebook.
    for args in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        run = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr
