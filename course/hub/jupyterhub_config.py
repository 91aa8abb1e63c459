# JupyterHub configuration of a CJM-Werkstatt class.
#
# `make classroom` and the hub test start JupyterHub with this file (through
# `python -m cjmlib.grading.hub`), setting the CJM_HUB_* variables below. For a real
# hub, copy it to /etc/jupyterhub/jupyterhub_config.py and put your values where the
# defaults are; course/README.md ("Der Kurs auf einem JupyterHub") walks through it.
import os

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

# Where the shared Python environment (venv/) and the proxy (proxy/) are installed, where
# the role configurations live, and where the hub keeps its database and secrets.
ENV = os.environ.get("CJM_HUB_ENV", "/opt/cjm-werkstatt")
ROLES = os.environ.get("CJM_HUB_ROLES", "/etc/cjm-werkstatt")
STATE = os.environ.get("CJM_HUB_STATE", "/srv/jupyterhub")
INSTRUCTORS = set(os.environ.get("CJM_HUB_INSTRUCTORS", "").split())
STUDENTS = set(os.environ.get("CJM_HUB_STUDENTS", "").split())

# Addresses: the public URL and the two internal ports (hub API, proxy API).
c.JupyterHub.bind_url = os.environ.get("CJM_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_port = int(os.environ.get("CJM_HUB_PORT_HUB", "8081"))
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:" + os.environ.get("CJM_HUB_PORT_API", "8001")
c.ConfigurableHTTPProxy.command = [f"{ENV}/proxy/node_modules/.bin/configurable-http-proxy"]
c.ConfigurableHTTPProxy.pid_file = f"{STATE}/proxy.pid"
c.JupyterHub.db_url = f"sqlite:///{STATE}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{STATE}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{STATE}/jupyterhub.pid"

# Log-in with the Unix accounts' own passwords (PAM). Only the class may log in.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = INSTRUCTORS | STUDENTS
# Instructors are the hub group "lehrende" (membership can also be changed in the hub's
# admin panel); the group decides which Jupyter configuration a server starts with.
c.JupyterHub.load_groups = {"lehrende": {"users": sorted(INSTRUCTORS)}}

# Every user's server runs as that Unix user, from the one shared environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [f"{ENV}/venv/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120


def role_config(spawner):
    """Instructors get the nbgrader tools (formgrader, create assignment), students only
    the Assignments tab: JUPYTER_CONFIG_PATH is searched before every other config."""
    role = "lehrende" if any(g.name == "lehrende" for g in spawner.user.groups) else "teilnehmende"
    return f"{ROLES}/{role}"


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": role_config,
    "LANG": "C.UTF-8",
    "PATH": f"{ENV}/venv/bin:/usr/local/bin:/usr/bin:/bin",
}
