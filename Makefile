# RoleAtlas (岗位图谱). README.md explains `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# WeasyPrint (Pango, HarfBuzz's subsetter) and CairoSVG (Cairo) render the exports; Noto CJK is the PDF font.
RUN_PACKAGES := gettext nodejs fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install install-test run demo serve test test-postgres lint messages check-tree api-contract bench lighthouse loadtest clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

messages: $(BIN)/.installed
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) --verbosity 0

## Python environment and system packages needed to run the app.
install:
	scripts/system-packages.sh $(RUN_PACKAGES)
	$(MAKE) --no-print-directory $(BIN)/.installed messages vendor

## Everything the tests need as well (Chromium for the browser tests).
install-test:
	scripts/system-packages.sh $(TEST_PACKAGES)
	$(MAKE) --no-print-directory $(BIN)/.installed messages vendor

## The org chart's browser libraries: exact versions from package-lock.json (npm registry, install
## time only), bundled into static/vendor/ so the pages load nothing from the internet.
# scripts/build-d3.mjs (esbuild, offline from node_modules) writes static/vendor/d3-chart.min.js: only the d3
# modules d3-org-chart and chart.js use, d3-flextree and d3-org-chart in one file. It has no source map:
# collectstatic's hashed names rewrite a sourceMappingURL and fail when the map is missing.
.PHONY: vendor
vendor: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json scripts/build-d3.mjs
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js 20 with npm (Debian: apt-get install nodejs npm), then run make again" >&2; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts
	node scripts/build-d3.mjs
	touch $@

## Set up, migrate, load the seed catalogue, create the admin and serve http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py ensure_admin
	@echo "Starting the export worker (handbooks) beside the web server."
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## The living demo: `make run` on its own database (demo.sqlite3, rebuilt on every start so its dates are
## around today) with fictional people marked 示例, two future hires, a leaver and an active headcount plan.
## load_demo refuses any other database, so `make run` never gets fictional people.
demo: export DATABASE_URL = sqlite:///$(CURDIR)/demo.sqlite3
demo: install
	rm -f demo.sqlite3 demo.sqlite3-journal
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py load_demo
	$(MAKE) --no-print-directory run

## Production: migrate, collect the static files (WhiteNoise serves them), start the export worker and
## gunicorn with WEB_CONCURRENCY workers (default 2 × cores + 1, gunicorn's advice) on BIND (default 127.0.0.1:$PORT, PORT default 8000).
## Set DJANGO_DEBUG=0 and the variables of README.md "Production" first.
serve: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn shopconfig.wsgi --workers $${WEB_CONCURRENCY:-$$(( $$(nproc) * 2 + 1 ))} --bind $${BIND:-127.0.0.1:$${PORT:-8000}}

## The layers shopconfig <- roles <- orgchart (.importlinter): a wrong import fails with the import named.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --config .importlinter --no-cache --no-logo
	$(BIN)/python manage.py makemigrations --check --dry-run

## The whole suite on SQLite (the embedded default), one worker process per core (pytest-xdist; TEST_WORKERS=0 runs it in one process).
TEST_WORKERS ?= auto
test: install-test lint
	$(BIN)/pytest -n $(TEST_WORKERS)

## The whole suite again on PostgreSQL (POSTGRES_URL; .ci/run starts one when none answers).
test-postgres: install-test
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n $(TEST_WORKERS)

## The API contract at an integrator's depth (issue 15): schemathesis --checks all against gunicorn as anonymous,
## a manager and HR, 100 examples per operation (make test runs the same at 20).
api-contract: $(BIN)/.installed
	API_CONTRACT_EXAMPLES=100 $(BIN)/pytest tests/test_api_contract.py -rP

check-tree: $(BIN)/.installed
	$(BIN)/python manage.py check_tree

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis node_modules static/vendor

## Figures for README.md (not a test): tree writes at 2,000 roles; page times, query counts and the
## chart's first draw at 200 / 2,000 / 5,000 roles; the organisation in time (2,000 roles, 20,000 dated
## changes: the chart of today and of a past day, the changes list of a year); PDF, chart-file, DOCX and
## XLSX exports; the roster import of 5,000 rows into 20,000 employees; the API under gunicorn with 4
## concurrent clients; Lighthouse's mobile scores of the public pages. On SQLite, then tree, page, time and
## roster figures on PostgreSQL when one answers.
BENCH_PG := postgres://postgres@127.0.0.1:5432/roleatlas_bench
bench: install-test
	$(BIN)/python bench/tree_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/timeline_bench.py
	$(BIN)/python bench/pdf_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/roster_bench.py
	$(BIN)/python bench/placement_bench.py
	$(BIN)/python bench/headcount_bench.py
	$(BIN)/python bench/pay_bands_bench.py
	$(BIN)/python bench/api_bench.py
	$(BIN)/python bench/lighthouse_bench.py
	@if pg_isready -q -h 127.0.0.1 -p 5432; then \
		createdb -h 127.0.0.1 -U postgres roleatlas_bench 2>/dev/null || true; \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/tree_bench.py && \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/pages_bench.py && \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/timeline_bench.py && \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/roster_bench.py && \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/placement_bench.py && \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/headcount_bench.py && \
		BENCH_DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/pay_bands_bench.py; \
	else echo "No PostgreSQL on 127.0.0.1:5432: PostgreSQL figures skipped."; fi

## Lighthouse (npm package, pinned in package-lock.json) on Debian's Chromium: mobile scores of the catalogue, a job
## description, the chart and the vacancies page, served as `make serve` serves them; reports in
## test-artifacts/lighthouse/. LIGHTHOUSE_RUNS (default 3) runs per page, the median reported. About 6 minutes.
lighthouse: install-test
	$(BIN)/python bench/lighthouse_bench.py

## Load and fault tests (not part of `make test`; about three minutes): 30 clients against gunicorn and a
## private PostgreSQL for LOAD_SECONDS (default 60) s, then again with PostgreSQL stopped for 10 s in the
## middle. Needs PostgreSQL's server programs (Debian: postgresql-15); exits non-zero when a target is missed.
## The fault test runs even when the load test fails; the target fails if either does.
loadtest: install-test
	$(BIN)/python bench/loadtest.py; load=$$?; $(BIN)/python bench/faulttest.py && exit $$load
