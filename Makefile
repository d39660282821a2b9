# Numb Feet Bot: every set-up step lives here, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint check-content migrate browser-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate and start the bot (python -m bot migrates at start-up)
run: $(STAMP)
	$(BIN)/python -m bot

## test: lint, type-check, validate the content, then the whole test suite
test: $(STAMP) lint check-content
	$(BIN)/python -m pytest

## bench: throughput of the full bot against the echo baseline, same fake Bot API; then
## webhook processes on PostgreSQL (1 and 2) against a webhook echo app, 50 ms from the Bot API;
## a million runners' reminders; /history and other runners' presses while charts are drawn
bench: $(STAMP)
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.reminders $(if $(filter 1,$(BENCH_QUICK)),--quick)
	$(BIN)/python -m bench.history --database sqlite
	$(BIN)/python -m bench.history --database postgres

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check-content: $(STAMP)
	$(BIN)/python -m bot.content check

## browser-deps: Debian's Chromium (and an emoji font) for tests/browser, when root and missing
browser-deps:
	@if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then \
		echo "Chromium is installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && apt-get install -y chromium fonts-noto-color-emoji; \
	else \
		echo "Chromium or its emoji font is missing: run 'sudo make browser-deps'"; \
		echo "(until then the browser tests are skipped)"; \
	fi

## migrate: apply database migrations without starting the bot
migrate: $(STAMP)
	$(BIN)/alembic upgrade head

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
