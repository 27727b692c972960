# Every workflow of Stackyard is a target here. `make run` and `make test` work from a
# fresh clone on a machine with PostgreSQL, RabbitMQ and Redis on their default ports.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PACKAGES := libs/common emulator $(wildcard services/*) cli
EDITABLES := $(foreach p,$(PACKAGES),-e $(p))
STAMP  := $(VENV)/.installed
# pip warns about every index directory of this machine that lacks a package: noise.
QUIET_PIP := 2>&1 | { grep -v '^WARNING: Location' || true; }
PYPROJECTS := pyproject.toml $(foreach p,$(PACKAGES),$(p)/pyproject.toml)

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint fmt openapi bench lock nginx clean deadletters

help:  ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip $(QUIET_PIP)

$(STAMP): $(BIN)/python requirements.lock $(PYPROJECTS)
	$(BIN)/pip install --quiet -c requirements.lock $(EDITABLES) -e '.[dev]' $(QUIET_PIP)
	touch $(STAMP)

install: $(STAMP)  ## Install every package (editable) and the dev tools into .venv

nginx:  ## Make sure nginx (the gateway) is installed
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing nginx-light (the gateway)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
	      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }; \
	  else \
	    echo "nginx is missing: install it (apt-get install nginx-light, or brew install nginx)"; exit 1; \
	  fi; }

run: install nginx  ## Start the whole platform against the emulator cloud (Ctrl-C stops it)
	$(BIN)/stackyard up

test: install nginx  ## The whole suite against the local PostgreSQL, RabbitMQ and Redis
	$(BIN)/pytest

test-fast: install  ## The suite without the tests that start processes
	$(BIN)/pytest -m "not system"

lint: install  ## ruff (lint and format check) and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy libs/common/src emulator/src $(foreach s,$(wildcard services/*),$(s)/src) cli/src

fmt: install  ## Format and auto-fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

openapi: install  ## Write the merged OpenAPI document to docs/openapi.json
	$(BIN)/stackyard openapi --out docs/openapi.json

bench: install nginx  ## Run the benchmarks; each prints its figures
	@for bench in $(sort $(wildcard emulator/bench/bench_*.py libs/common/bench/bench_*.py services/*/bench/bench_*.py tests/bench/bench_*.py)); do \
	  echo "== $$bench"; $(BIN)/python $$bench || exit 1; done

lock: $(BIN)/python  ## Re-resolve the pinned dependencies into requirements.lock
	rm -rf $(VENV)/lock && $(PYTHON) -m venv $(VENV)/lock
	$(VENV)/lock/bin/pip install --quiet --upgrade pip $(QUIET_PIP)
	$(VENV)/lock/bin/pip install --quiet $(EDITABLES) -e '.[dev]' $(QUIET_PIP)
	{ echo "# Pinned by 'make lock' from every pyproject.toml; install with 'make install'."; \
	  $(VENV)/lock/bin/pip freeze --exclude-editable | grep -v '^-e ' | grep -v '^stackyard'; } > requirements.lock
	rm -rf $(VENV)/lock

deadletters: install  ## List dead letters: make deadletters SERVICE=identity [ACTION=replay] [CONSUMER=audit] [ID=...]
	$(BIN)/stackyard deadletters $(or $(ACTION),list) $(SERVICE) $(if $(CONSUMER),--consumer $(CONSUMER)) $(if $(ID),--id $(ID))

clean:  ## Remove the virtual environment and runtime files
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
