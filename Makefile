# CJM-Werkstatt: two commands for a fresh machine with Python 3.11 and make.
#   make lab   installs the course into .venv and starts JupyterLab on the start page
#   make test  installs the test tools (and Chromium, bubblewrap when run as root) and runs every test
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
# JupyterLab refuses to start as root unless told; CI and containers run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab lab-lehrende classroom classroom-stop test install install-test browser java sandbox exercises clean

$(VENV)/.installed: pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 oder neuer wird gebraucht"'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

# The compiled message catalogue (cjmlib/messages/_compiled/, read in ~2 ms instead of
# parsing the TOML files); an outdated one is ignored, so this only saves time.
install: $(VENV)/.installed
	@$(BIN)/python -m cjmlib.messages >/dev/null

install-test: $(VENV)/.installed-test browser java sandbox

# The Spark tests (tests/test_analytics_spark.py) need a Java runtime; as root we
# install Debian's headless JRE, otherwise those tests say what is missing.
java:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      default-jre-headless >/dev/null; \
	  else echo "Hinweis: java fehlt; installiere default-jre-headless mit apt als root."; fi; \
	fi

# Browser tests drive Debian's Chromium; as root we install it (and the German
# dictionary for the spell check; python3-venv for the hub test's shared environment;
# LibreOffice Calc to open the grade exports), otherwise those tests say what is missing.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! [ -f /usr/share/hunspell/de_DE.dic ] \
	  || ! command -v libreoffice >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium hunspell hunspell-de-de fonts-dejavu-core python3-venv libreoffice-calc-nogui >/dev/null; \
	  else echo "Hinweis: chromium/hunspell-de-de/libreoffice fehlen; installiere sie mit apt als root."; fi; \
	fi

# Grading runs every student kernel in a bubblewrap sandbox (course/README.md); as root we
# install it, otherwise grading stops and says how to install it.
sandbox:
	@if ! command -v bwrap >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      bubblewrap >/dev/null; \
	  else echo "Hinweis: bubblewrap fehlt; installiere es mit apt als root (apt-get install bubblewrap)."; fi; \
	fi

# The URL JupyterLab prints (and "/") opens the start page, not the Launcher.
START := /lab/tree/chapters/00_Start.ipynb

# Which nbgrader tools a JupyterLab shows: none for trainees (make lab), all for
# instructors (make lab-lehrende); JUPYTER_CONFIG_PATH is read before every other config.
ROLES := $(CURDIR)/$(VENV)/etc/cjm-rollen

lab: install
	$(BIN)/python -m cjmlib.grading.hub roles $(ROLES)
	JUPYTER_CONFIG_PATH=$(ROLES)/selbstlernende $(BIN)/jupyter lab $(ALLOW_ROOT) \
	  --ServerApp.port=$(PORT) --ServerApp.root_dir=$(CURDIR) \
	  --LabApp.default_url=$(START) chapters/00_Start.ipynb

# The course on one machine, for an instructor: formgrader and a local exchange folder.
lab-lehrende: install
	$(BIN)/python -m cjmlib.grading.hub roles $(ROLES)
	mkdir -p course/exchange && chmod 1777 course/exchange
	cd course && PATH=$(CURDIR)/$(BIN):$$PATH CJM_EXCHANGE=$(CURDIR)/course/exchange \
	  JUPYTER_CONFIG_PATH=$(ROLES)/lehrende $(CURDIR)/$(BIN)/jupyter lab $(ALLOW_ROOT) \
	  --ServerApp.port=$(PORT) --ServerApp.root_dir=$(CURDIR)/course

# A demo class on JupyterHub with real Unix accounts (as root); Ctrl-C removes it again.
# The shared environment stays in CLASSROOM_ENV for the next start.
CLASSROOM_ENV ?= /opt/cjm-werkstatt
CLASSROOM_ROOT ?= /opt/cjm-werkstatt-klasse

classroom: install
	$(BIN)/python -m cjmlib.grading.hub start --repo $(CURDIR) \
	  --env $(CLASSROOM_ENV) --root $(CLASSROOM_ROOT)

classroom-stop: install
	$(BIN)/python -m cjmlib.grading.hub stop --root $(CLASSROOM_ROOT)

test: install-test
	@$(BIN)/python -m cjmlib.messages >/dev/null
	$(BIN)/python -m pytest

exercises: install
	$(BIN)/python -m cjmlib.grading.build

clean:
	rm -rf $(VENV) build *.egg-info
