# CJM-Werkstatt: two commands for a fresh machine with Python 3.11 and make.
#   make lab   installs the course into .venv and starts JupyterLab on the start page
#   make test  installs the test tools (and Chromium, bubblewrap when run as root) and runs every test
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8888
# JupyterLab refuses to start as root unless told; CI and containers run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test install install-test browser java sandbox exercises clean

$(VENV)/.installed: pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 oder neuer wird gebraucht"'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

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
# dictionary for the spell check), otherwise those tests say what is missing.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! [ -f /usr/share/hunspell/de_DE.dic ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium hunspell hunspell-de-de fonts-dejavu-core >/dev/null; \
	  else echo "Hinweis: chromium/hunspell-de-de fehlen; installiere sie mit apt als root."; fi; \
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

lab: install
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.port=$(PORT) --ServerApp.root_dir=$(CURDIR) \
	  --LabApp.default_url=$(START) chapters/00_Start.ipynb

test: install-test
	$(BIN)/python -m pytest

exercises: install
	$(BIN)/python -m cjmlib.grading.build

clean:
	rm -rf $(VENV) build *.egg-info
