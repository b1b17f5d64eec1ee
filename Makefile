# Two commands do everything on a fresh machine with Python 3.11:
#   make run   set up, migrate, load reference + demo data, serve on http://127.0.0.1:8000
#   make test  run the whole suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers; CI and a 2-core laptop both like 2.
WORKERS ?= 2

.PHONY: run setup test lint fmt bench load worker clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py import_plan jiuye/actionplan/data/plan_2022_2024.txt \
		--tasks jiuye/actionplan/data/tasks_2022_2024.csv
	@# The demo's next plan (2025-2027, the years of the demo data), from the same task table.
	$(PY) manage.py import_plan jiuye/actionplan/data/plan_2022_2024.txt \
		--tasks jiuye/actionplan/data/tasks_2022_2024.csv --years 2025-2027 \
		--name "促进残疾人就业三年行动方案（2025—2027年，演示：沿用上期任务表）"
	JIUYE_ALLOW_DEMO=true $(PY) manage.py load_demo --quiet
	JIUYE_ALLOW_DEMO=true $(PY) manage.py demo_data --persons 3000 --seed 1
	$(PY) manage.py refresh_figures

run: setup
	@JIUYE_ALLOW_DEMO=true $(PY) manage.py load_demo --url http://$(HOST):$(PORT)/
	@echo "Starting the task worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(PY) manage.py db_worker

test: $(STAMP)
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run.py

# The load test of bench/bench_load.py (PostgreSQL: DATABASE_URL=postgres://...), e.g.
# make load LOAD_ARGS="--persons 200000 --minutes 3 --port 8105"
load: $(STAMP)
	$(PY) bench/bench_load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3* staticfiles
