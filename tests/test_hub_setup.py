"""The parts of the class set-up that need no hub: role configurations, the class state,
and the guard that keeps the module's hands off accounts it did not create."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from cjmlib.grading import hub


def _read(folder: Path) -> tuple[dict[str, bool], dict[str, bool]]:
    server = json.loads(
        (folder / "jupyter_server_config.d" / "cjm-werkstatt-rolle.json").read_text()
    )
    lab = json.loads((folder / "labconfig" / "page_config.json").read_text())
    return server["ServerApp"]["jpserver_extensions"], lab["disabledExtensions"]


def test_do_students_get_only_the_assignment_list_and_validate(tmp_path):
    folder = hub.write_role_config(tmp_path, "teilnehmende", exchange=Path("/srv/x"))
    server, disabled = _read(folder)
    on = {name.rsplit(".", 1)[1] for name, enabled in server.items() if enabled}
    assert on == {"assignment_list", "validate_assignment"}
    hidden = {name.split(":")[1] for name, off in disabled.items() if off and "nbgrader" in name}
    assert hidden == {"formgrader", "course-list", "create-assignment"}
    config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert config.Exchange.root == "/srv/x"
    assert config.CourseDirectory.course_id == hub.COURSE_ID


def test_do_instructors_get_every_tool_and_self_learners_none(tmp_path):
    server, disabled = _read(hub.write_role_config(tmp_path / "l", "lehrende"))
    assert all(server.values())
    assert not any(off for name, off in disabled.items() if "nbgrader" in name)
    server, disabled = _read(hub.write_role_config(tmp_path / "s", "selbstlernende"))
    assert not any(server.values())
    assert all(off for name, off in disabled.items() if "nbgrader" in name)
    assert not (tmp_path / "s" / "nbgrader_config.py").exists(), "no exchange without a hub"


def test_does_jupyterlab_never_ask_for_news_in_class(tmp_path):
    for role in ("lehrende", "teilnehmende", "selbstlernende"):
        _, disabled = _read(hub.write_role_config(tmp_path / role, role))
        assert disabled["@jupyterlab/apputils-extension:announcements"] is True


def test_is_the_class_state_kept_private_and_read_back(tmp_path):
    room = hub.Classroom.demo(root=tmp_path, env=tmp_path / "env", port=1234)
    room.save()
    assert stat.S_IMODE((tmp_path / "klasse.json").stat().st_mode) == 0o600, "it holds passwords"
    again = hub.Classroom.load(tmp_path)
    assert again == room
    assert [a.name for a in again.accounts] == list(hub.DEMO_NAMES)
    assert again.instructor.name == "cjm-lehrkraft" and len(again.students) == 3
    assert len({a.password for a in again.accounts}) == 4


def test_are_accounts_the_class_did_not_create_left_alone():
    """`root` exists and is nobody's class account: neither reused nor removed."""
    with pytest.raises(hub.HubError, match="gehört nicht zu einer Klasse"):
        hub.create_account(hub.Account("root", "egal"))
    with pytest.raises(hub.HubError, match="gehört nicht zu einer Klasse"):
        hub.remove_account("root")


def test_does_the_shared_python_run_for_every_account():
    python = hub.shared_python()
    assert hub._world_usable(python)
    assert not str(python.resolve()).startswith("/root/")


def test_does_the_proxy_lock_pin_the_version_and_record_no_download_address():
    folder = Path(__file__).resolve().parents[1] / "course" / "hub"
    wanted = json.loads((folder / "package.json").read_text())["dependencies"]
    lock = json.loads((folder / "package-lock.json").read_text())
    packages = lock["packages"]
    assert packages[""]["dependencies"] == wanted
    proxy = packages["node_modules/configurable-http-proxy"]["version"]
    assert proxy == wanted["configurable-http-proxy"], "an exact version, the same in CI"
    assert not [name for name, pkg in packages.items() if "resolved" in pkg]
    assert all(pkg.get("integrity") for name, pkg in packages.items() if name)


@pytest.mark.skipif(os.geteuid() != 0, reason="creating Unix accounts needs root")
def test_does_removing_an_account_end_processes_started_while_it_ends_them():
    """A student's process that starts a new one when told to stop (a server restarting its
    kernel does that) must not outlive the account: every process of the account is ended,
    also those born after the first look."""
    account = hub.Account(f"cjm-test-{secrets.token_hex(3)}", hub._password())
    hub.create_account(account)
    uid = pwd.getpwnam(account.name).pw_uid
    try:
        script = "trap 'sleep 300 & sleep 300 &' TERM; while :; do sleep 0.1; done"
        proc = subprocess.Popen(
            ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "sh", "-c", script],
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not hub._processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hub._processes_of(uid), f"the student process did not start: {uid} {proc.poll()}"
        hub.remove_account(account.name)
        left = [p for p in hub._processes_of(uid) if not hub._zombie(p)]
        assert left == [], f"processes of the removed account still running: {left}"
    finally:
        for pid in hub._processes_of(uid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        subprocess.run(["userdel", "--remove", account.name], capture_output=True)
