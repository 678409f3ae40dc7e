# Two commands on a fresh machine: `make demo` and `make test` (`make test-fast`: the fast tier, under a minute).
# Each bootstraps .venv from pyproject.toml when it is missing or older than pyproject.toml.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast install clean

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/acorn demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest

# The domain, and the services on an in-memory store and the fake Amazon: no server, no Prefect, no
# network. tests/services/conftest.py fails any test there that imports Prefect, Great Expectations,
# FastAPI or uvicorn, opens a socket, or costs more than 2 s of CPU, so nothing slow slips in.
test-fast: $(STAMP)
	$(VENV)/bin/python -m pytest tests/domain tests/services --durations=5

clean:
	rm -rf $(VENV) .acorn out
