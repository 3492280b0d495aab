# The two commands: `make run` and `make test`. Both install what they need first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Tests run on every core (pytest-xdist, one database each) and keep their databases between local runs
# (--reuse-db still applies new migrations; CI passes --create-db).
TEST_WORKERS ?= auto

# Python keeps compiled modules (__pycache__) even where the machine says not to (PYTHONDONTWRITEBYTECODE=1 here):
# without them every process a test run starts (two xdist workers, the Celery worker, the subprocesses that
# load settings or run checks) compiled Django and the statistics libraries again, several seconds of CPU each.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test install migrate seed lock check clean bench

run: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$${PORT:-8000} (sign in with a log-in above; Ctrl+C stops it)"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:$${PORT:-8000}

test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --reuse-db $(PYTEST_ARGS)

# Seed demo, force and national datasets on PostgreSQL and time the busiest pages (bench/README.md).
# The national one takes minutes the first time; later runs reuse it. `make bench BENCH_SIZES="demo force"`.
# Then the loopback load test under gunicorn (10, 25 and 50 users, about two minutes, niced: the machine is
# shared) and a new worker's start-up time. `make bench BENCH_LOAD_ARGS="--size demo --seconds 10"`.
BENCH_SIZES ?= demo force national
BENCH_ARGS ?=
BENCH_LOAD_ARGS ?=

bench: install
	$(BIN)/python -m bench.run $(BENCH_ARGS) $(BENCH_SIZES)
	nice -n 10 $(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.reminders
	$(BIN)/python -m bench.evaluation $(BENCH_ARGS) $(BENCH_SIZES)

install: $(VENV)/.installed node_modules/.installed static/build/oocr.css

$(VENV)/.installed: requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	# uv installs the pinned lock in about 5 s where pip took about 35 s (uv is pinned here; pip-tools still writes the lock).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/python -m uv pip install --quiet --python $(BIN)/python -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/oocr.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build

# Regenerate the lock files after changing pyproject.toml or package.json.
# Neither may hold a download address: pip-compile is told not to write one,
# and npm's funding links are stripped (resolved URLs are off in .npmrc).
lock: $(VENV)/.installed
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml
	npm install --no-audit --no-fund --loglevel=error
	node -e 'const fs=require("fs");const l=JSON.parse(fs.readFileSync("package-lock.json"));for(const p of Object.values(l.packages)){delete p.funding}fs.writeFileSync("package-lock.json",JSON.stringify(l,null,2)+"\n")'
	! grep -n 'https\?://' requirements.lock requirements-dev.lock package-lock.json

# Security checks (README, "Security and data protection"): Django's deployment check with production
# variables, bandit (no high-severity finding), and pip-audit over the pinned dependencies (skipped with a
# printed reason when its database cannot be reached, unless PIP_AUDIT_REQUIRED=1).
check: install
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/bandit --quiet --recursive --severity-level high --exclude '*/tests/*,./.venv,./node_modules' oocr cases contracts keyworkers referrals evaluation retention today documents api portal trials bench
	$(BIN)/python .ci/audit_dependencies.py

clean:
	rm -rf $(VENV) node_modules static/build staticfiles
