# Two entry points: `make run` and `make test`. Everything else is what they need.
# The virtualenv's interpreter: Debian's Python 3.11 where it can make one (statically linked and built with
# profile-guided optimization), else python3. On these machines python3 is pyenv's default build (a shared
# libpython, no such optimization), on which a new search took 18-26% longer and the service served 7-10%
# fewer requests a second under bench/load.py. `make PYTHON=python3.12 ...` chooses another.
DEBIAN_PYTHON := $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11)
PYTHON ?= $(or $(DEBIAN_PYTHON),python3)
VENV := .venv
PY := $(VENV)/bin/python
# Real SAMHSA exports: LOCATOR_DATA_DIR, else ../shared/data when present; else the sample files.
DATA_DIR := $(or $(LOCATOR_DATA_DIR),$(wildcard ../shared/data))
# The date of files whose names carry none: in ../shared/data only the locator's facility list, documented
# there as about 2021. Set LOCATOR_DATA_DATE (YYYY-MM-DD or YYYY) for your own files.
DATA_DATE := $(or $(LOCATOR_DATA_DATE),$(if $(filter $(abspath ../shared/data),$(abspath $(DATA_DIR))),2021))

# The port `make run` serves on: `make run PORT=8080`.
PORT ?= 8000

.PHONY: run test install install-service migrate import-data bench browser audit

# The service alone (`make run`), and with what tests and benchmarks need (`make test`).
$(VENV)/.service-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.service-installed requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install-service: $(VENV)/.service-installed

install: $(VENV)/.installed

migrate: install-service
	$(PY) manage.py migrate --noinput

import-data: migrate
ifneq ($(DATA_DIR),)
	$(PY) manage.py import_samhsa $(DATA_DIR) $(if $(DATA_DATE),--data-date $(DATA_DATE))
else
	@echo "No SAMHSA data found (set LOCATOR_DATA_DIR): loading the SAMPLE data in fixtures/."
	$(PY) manage.py import_samhsa --sample fixtures
endif

run: import-data
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest

# What the browser tests and the translation check need from Debian (root; CI runs it). Without
# them those tests skip and say why.
browser:
	@command -v chromium >/dev/null && command -v xgettext >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext; }

bench: install
	$(PY) bench/import_data.py
	$(PY) bench/search.py

# Known vulnerabilities in the pinned dependencies (pip-audit); says so when its service is out of reach.
audit: install
	$(PY) tools/audit_dependencies.py
