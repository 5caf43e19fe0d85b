# Two commands on a fresh machine: `make run` (the assistant on demo data) and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)

.PHONY: setup run test lint lock clean browser

setup: $(STAMP)

# torch first, pinned to the CPU build that lies on local disk; any other spec pulls a
# multi-GB CUDA build. The lock leaves torch out for that reason, so everything else is
# installed from it without resolution (`--no-deps`): the full stack resolves in ~7 s with uv
# but backtracks for 20+ minutes with plain pip.
$(STAMP):
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0 uv
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -r requirements.lock
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Seeding keeps existing data (use `aios demo seed --force` to start over); ingesting skips
# unchanged documents. The model loads before the chat answers; `aios web` then prints, last,
# where the chat is and whom to sign in as.
run: setup
	$(VENV)/bin/aios demo seed
	$(VENV)/bin/aios knowledge ingest
	$(VENV)/bin/aios web --host 127.0.0.1 --port 8000

# The browser tests drive Debian's Chromium, and the voice tests' light TTS is Debian's
# espeak-ng; without them (and without root to install them) those tests skip with the reason.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v espeak-ng >/dev/null 2>&1 \
		|| { apt-get update -qq && apt-get install -y -qq chromium espeak-ng; } \
		|| echo "chromium or espeak-ng could not be installed: their tests will skip"

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy app.py

# PostgreSQL runs on dev and CI machines; its tests skip with a reason where it does not.
PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test

test: setup lint browser
	AIOS_TEST_POSTGRES_URL="$${AIOS_TEST_POSTGRES_URL:-$$(pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo $(PG_URL))}" \
		$(VENV)/bin/pytest

# Regenerate the lock after changing dependencies in pyproject.toml.
lock:
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--override requirements-overrides.txt -o requirements.lock

clean:
	rm -rf $(VENV) .aios .pytest_cache .mypy_cache .ruff_cache
