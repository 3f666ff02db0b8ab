# Reproducible impact-evaluation report: Redes Empresariales APOMIPE-MINKA, Laredo.
#   make report   build every report on the embedded default data (creates .venv on first use)
#   make test     run the test suite
# Every step is a file target with its real inputs, so `make report` only redoes what changed.

ifneq ($(firstword $(sort $(MAKE_VERSION) 4.3)),4.3)
$(error GNU make 4.3 or newer is needed (grouped targets "&:"); this is make $(MAKE_VERSION): install a newer make, e.g. apt-get install make)
endif

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
KERNEL := redes-laredo
DATA   ?= config/demo.yaml
LANG_REPORT ?= es
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
# Factsheet fan-out: EXECUTOR=local (process pool of JOBS) or dask (SCHEDULER=tcp://host:8786, or a
# LocalCluster of JOBS workers on this machine when SCHEDULER is empty). Same outputs either way.
EXECUTOR  ?= local
SCHEDULER ?=

P := data/processed
B := build
# Reports are built into a staging folder; `make report` publishes it to reports/ only when every
# report of the build succeeded (analysis.report.publish), so reports/ always holds one complete build.
R := $(B)/stage
PUBLISH_DIR := reports
STAMP := $(VENV)/.installed
# Each language edition has its own processed and build folders (the audit, the effects notes and
# the tables are written in the edition's language): Spanish in $(P) and $(B), English in
# $(P)/en and $(B)/en; both stage into $(R).
ifeq ($(LANG_REPORT),es)
PL := $(P)
BL := $(B)
else
PL := $(P)/$(LANG_REPORT)
BL := $(B)/$(LANG_REPORT)
endif
# make report builds both editions, unless LANG_REPORT is given (then only that one).
LANGS ?= $(if $(filter command line environment,$(origin LANG_REPORT)),$(LANG_REPORT),es en)
BUILD_IN := @$(PY) -m analysis.report.build run --processed-dir
BUILD_NB := $(BUILD_IN) $(PL)

# Inputs of each step (a change re-runs only the steps downstream of it).
PUBLISHED_CSV := $(wildcard data/raw/published/*.csv)
LABELS        := src/analysis/labels.py src/analysis/published/translate.py $(wildcard src/analysis/i18n/*.yaml) \
                 $(wildcard src/analysis/report/text/*/*.md)
RENDER_SRC    := src/analysis/report/build.py src/analysis/report/render.py src/analysis/report/numbering.py src/analysis/report/provenance.py \
                 src/analysis/report/scope.py \
                 src/analysis/report/xlsx_export.py src/analysis/money.py src/analysis/reproducible.py \
                 $(wildcard src/analysis/report/suppression.py) $(wildcard src/analysis/report/templates/*) $(LABELS)
AUDIT_SRC     := src/analysis/published/load.py src/analysis/published/audit.py src/analysis/published/implied.py
SURVEY_SRC    := $(wildcard src/analysis/survey/*.py)
EFFECTS_SRC   := $(wildcard src/analysis/effects/*.py) src/analysis/effects/one_cluster.py \
                 $(wildcard src/analysis/coverage/*.py) references/coverage.csv
CHART_SRC     := src/analysis/report/charts.py src/analysis/report/frames.py
MAIN_SRC      := src/analysis/report/tables.py src/analysis/report/narrative.py src/analysis/report/effects_figures.py \
                 src/analysis/report/prose.py $(wildcard src/analysis/report/text/*/*.md) \
                 src/analysis/published/implied.py src/analysis/survey/balance.py \
                 $(wildcard src/analysis/coverage/*.py) references/coverage.csv
# Files the survey config reads (listed by the config itself; plain YAML read, no heavy imports).
SURVEY_FILES  := $(shell test -x $(PY) && $(PY) -m analysis.survey.sources $(DATA) 2>/dev/null)

.PHONY: help setup report reports test test-fast lab bench simulate clean distclean FORCE

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  variables: DATA=config/<source>.yaml (default $(DATA)), LANG_REPORT=es|en, JOBS=$(JOBS)"
	@echo "             EXECUTOR=local|dask (factsheet fan-out), SCHEDULER=tcp://host:8786 (with dask)"

# --- environment ---------------------------------------------------------------------------
# uv installs the pinned requirements in seconds (pip is the fallback when uv cannot be had).
UV := $(VENV)/bin/uv
$(STAMP): requirements.txt pyproject.toml
	@echo "[setup] creating $(VENV) from requirements.txt (first use only)"
	@start=$$(date +%s); test -x $(PY) || $(PYTHON) -m venv $(VENV); \
	if $(PY) -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1; then \
	  $(UV) pip install -q --python $(PY) -r requirements.txt && \
	  $(UV) pip install -q --python $(PY) --no-deps -e . ; \
	else \
	  echo "[setup] uv unavailable: installing with pip (slower)"; \
	  $(PY) -m pip install -q --disable-pip-version-check -r requirements.txt && \
	  $(PY) -m pip install -q --disable-pip-version-check --no-deps -e . ; \
	fi; \
	$(PY) -m ipykernel install --prefix "$(abspath $(VENV))" --name $(KERNEL) --display-name "Redes Laredo (.venv)" >/dev/null; \
	echo "[setup] done in $$(( $$(date +%s) - start )) s"
	@touch $@

# $(call install_reqs,FILE): install pinned extras into the venv with uv (pip when uv is missing).
install_reqs = if test -x $(UV); then $(UV) pip install -q --python $(PY) -r $(1); \
	else $(PY) -m pip install -q --disable-pip-version-check -r $(1); fi

TEST_STAMP := $(VENV)/.test-installed
$(TEST_STAMP): requirements-test.txt $(STAMP)
	@echo "[setup] installing the test-only packages (first make test only)"
	@$(call install_reqs,requirements-test.txt)
	@touch $@

LAB_STAMP := $(VENV)/.lab-installed
$(LAB_STAMP): requirements-lab.txt $(STAMP)
	@echo "[setup] installing JupyterLab (first make lab only)"
	@$(call install_reqs,requirements-lab.txt)
	@touch $@

setup: $(STAMP) ## create the virtual environment and the Jupyter kernel

# --- pipeline --------------------------------------------------------------------------------
# The data source (DATA) is recorded so switching configs re-runs the survey steps (relative to
# the project when inside it: no path of this machine in data/processed).
DATA_ID = $(patsubst $(CURDIR)/%,%,$(abspath $(DATA)))
$(P)/data_source.txt: FORCE
	@mkdir -p $(P)
	@echo "$(DATA_ID)" | cmp -s - $@ 2>/dev/null || echo "$(DATA_ID)" > $@

# The report language is recorded too, so switching LANG_REPORT rebuilds what it changes.
$(PL)/report_lang.txt: FORCE
	@mkdir -p $(PL)
	@echo "$(LANG_REPORT)" | cmp -s - $@ 2>/dev/null || echo "$(LANG_REPORT)" > $@

# Steps are keyed by content, not by modification time (analysis.hashstamp): each step depends on
# $(H)/<step>.in, rewritten only when the bytes of what the step reads change (a file touched but
# unchanged re-runs nothing), and on $(H)/<step>.out, rewritten when the files the step wrote no
# longer match the hashes its stamp recorded (a notebook run by hand over data/processed).
H    := $(BL)/hash
HASH := @$(PY) -m analysis.hashstamp
PUBLISHED_OUT := $(addprefix $(PL)/,audit.csv audit_findings.csv conclusions.csv implied_effects.csv \
                 implied_assumptions.csv implied_checks.csv)
# The survey cleaning takes no language: it runs once, in $(P) (hash files in $(B)/hash), and the
# English edition copies its outputs into $(PL).
SURVEY_FILES_OUT := panel.parquet cleaning_log.csv cleaning_summary.json survey_networks.csv codebook.md codebook.xlsx
SURVEY_OUT    := $(addprefix $(P)/,$(SURVEY_FILES_OUT))
PANEL_OUT     := $(addprefix $(PL)/,$(SURVEY_FILES_OUT))
SH            := $(B)/hash
EFFECTS_OUT   := $(PL)/effects.csv

$(H)/published.in: FORCE | $(STAMP)
	$(HASH) inputs $@ -- notebooks/01_published_audit.ipynb $(PL)/report_lang.txt $(PUBLISHED_CSV) $(AUDIT_SRC) $(LABELS)
$(SH)/panel.in: FORCE | $(STAMP)
	$(HASH) inputs $@ -- notebooks/02_clean_survey.ipynb $(P)/data_source.txt $(wildcard $(DATA)) $(SURVEY_FILES) \
	  $(SURVEY_SRC) data/raw/published/networks.csv
$(H)/effects.in: FORCE | $(STAMP)
	$(HASH) inputs $@ -- notebooks/03_estimate_effects.ipynb $(PL)/report_lang.txt $(EFFECTS_SRC) src/analysis/effects/project.py \
	  src/analysis/i18n/effects.yaml
$(H)/published.out: FORCE | $(STAMP)
	$(HASH) outputs $@ $(PL)/published.stamp -- $(PUBLISHED_OUT)
$(SH)/panel.out: FORCE | $(STAMP)
	$(HASH) outputs $@ $(P)/panel.stamp -- $(SURVEY_OUT)
$(H)/effects.out: FORCE | $(STAMP)
	$(HASH) outputs $@ $(PL)/effects.stamp -- $(EFFECTS_OUT)

# 1. Published figures: consistency audit and document-implied effects.
$(PL)/published.stamp: notebooks/01_published_audit.ipynb $(PL)/report_lang.txt $(H)/published.in $(H)/published.out | $(STAMP)
	$(BUILD_NB) $< --executed $(BL)/01_published_audit.ipynb --no-render --lang $(LANG_REPORT)
	$(HASH) record $@ -- $(PUBLISHED_OUT)

# 2. Survey: read, validate, clean, pseudonymize (once for both editions).
$(P)/panel.stamp: notebooks/02_clean_survey.ipynb $(P)/data_source.txt $(SH)/panel.in $(SH)/panel.out | $(STAMP)
	$(BUILD_IN) $(P) $< --executed $(B)/02_clean_survey.ipynb --no-render \
	  --lang $(LANG_REPORT) -p config_path "$(abspath $(DATA))"
	$(HASH) record $@ -- $(SURVEY_OUT)
ifneq ($(PL),$(P))
$(H)/panel.out: FORCE | $(STAMP)
	$(HASH) outputs $@ $(PL)/panel.stamp -- $(PANEL_OUT)
$(PL)/panel.stamp: $(P)/panel.stamp $(H)/panel.out | $(STAMP)
	@mkdir -p $(PL)
	@cp $(SURVEY_OUT) $(PL)/
	@echo "[build] 02_clean_survey: the $(LANG_REPORT) edition shares the cleaning of $(P)"
	$(HASH) record $@ -- $(PANEL_OUT)
endif

# 3. Effects: before-after, DiD with wild cluster bootstrap, Callaway-Sant'Anna.
$(PL)/effects.stamp: notebooks/03_estimate_effects.ipynb $(PL)/panel.stamp $(PL)/report_lang.txt $(H)/effects.in \
                   $(H)/effects.out | $(STAMP)
	$(BUILD_NB) $< --executed $(BL)/03_estimate_effects.ipynb --no-render --lang $(LANG_REPORT) -p config_path "$(abspath $(DATA))" \
	  -p cache_dir "$(abspath $(B))/cache"
	$(HASH) record $@ -- $(EFFECTS_OUT)

# --- reports ---------------------------------------------------------------------------------
# Each language edition has its own file names, so building one never overwrites the other:
# Spanish at the top of reports/, English under reports/en/.
ifeq ($(LANG_REPORT),en)
EDITION   := $(R)/en
MAIN      := $(EDITION)/report_business_networks_laredo
QUALITY   := $(EDITION)/survey_data_quality
FICHAS    := factsheets
FICHA     := factsheet_
else
EDITION   := $(R)
MAIN      := $(EDITION)/informe_redes_laredo
QUALITY   := $(EDITION)/calidad_datos
FICHAS    := fichas
FICHA     := ficha_
endif

$(H)/main-$(LANG_REPORT).in: FORCE | $(STAMP)
	$(HASH) inputs $@ -- notebooks/report_main.ipynb $(PUBLISHED_CSV) $(CHART_SRC) $(MAIN_SRC) $(RENDER_SRC)
$(H)/quality-$(LANG_REPORT).in: FORCE | $(STAMP)
	$(HASH) inputs $@ -- notebooks/data_quality.ipynb $(RENDER_SRC) $(wildcard src/analysis/survey/quality.py src/analysis/survey/balance.py) src/analysis/report/effects_figures.py

$(MAIN).pdf: notebooks/report_main.ipynb $(PL)/published.stamp $(PL)/effects.stamp $(H)/main-$(LANG_REPORT).in | $(STAMP)
	$(BUILD_NB) $< --executed $(BL)/report_main.ipynb --html $(MAIN).html --pdf $@ --lang $(LANG_REPORT) \
	  --reports-dir $(EDITION) -p config_path "$(abspath $(DATA))" \
	  --title-key report.title_main --subtitle-key report.subtitle_main

$(QUALITY).pdf: notebooks/data_quality.ipynb $(PL)/panel.stamp $(PL)/report_lang.txt $(H)/quality-$(LANG_REPORT).in | $(STAMP)
	$(BUILD_NB) $< --executed $(BL)/data_quality.ipynb --html $(QUALITY).html --pdf $@ --lang $(LANG_REPORT) \
	  --reports-dir $(EDITION) -p config_path "$(abspath $(DATA))" \
	  --title-key report.title_quality --subtitle-key report.subtitle_quality

# One factsheet per network of the survey (the networks table DATA names, default Tabla N°02's CSV)
# and per chain; before the venv exists, the published networks (the sub-make re-reads it).
UNITS      := $(or $(shell test -x $(PY) && $(PY) -m analysis.survey.sources --units $(DATA) 2>/dev/null),\
                $(shell awk -F, 'NR>1 {print $$1}' data/raw/published/networks.csv) mango lacteos)
FACTSHEETS := $(UNITS:%=$(EDITION)/$(FICHAS)/$(FICHA)%.pdf)
FACTSHEET_SRC := src/analysis/report/factsheets.py src/analysis/report/executor.py src/analysis/report/factsheet_content.py \
                 src/analysis/report/effects_figures.py src/analysis/report/narrative.py
# All factsheets share the same inputs, so they are one grouped target: one fan-out builds them
# (EXECUTOR=local: a process pool, imports paid once per worker; EXECUTOR=dask: Dask distributed).
$(H)/fichas-$(LANG_REPORT).in: FORCE | $(STAMP)
	$(HASH) inputs $@ -- notebooks/factsheet.ipynb $(PUBLISHED_CSV) $(CHART_SRC) $(FACTSHEET_SRC) $(RENDER_SRC)
$(FACTSHEETS) &: notebooks/factsheet.ipynb $(PL)/effects.stamp $(PL)/published.stamp $(H)/fichas-$(LANG_REPORT).in | $(STAMP)
	@$(PY) -m analysis.report.factsheets --jobs $(JOBS) --executor $(EXECUTOR) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) \
	  --lang $(LANG_REPORT) --config "$(abspath $(DATA))" \
	  --processed-dir $(PL) --reports-dir $(EDITION) --build-dir $(BL)/fichas

ALL_REPORTS := $(MAIN).pdf $(QUALITY).pdf $(FACTSHEETS)
.PHONY: editions
editions:
	@for l in $(LANGS); do $(MAKE) --no-print-directory -j$(JOBS) all-reports LANG_REPORT=$$l || exit $$?; done
.PHONY: all-reports
all-reports: $(ALL_REPORTS)
	@:

# The reports fan out over the machine's cores (JOBS); the pipeline steps run in dependency order.
# The config and every file it names are checked first (a missing or misnamed file is reported
# by the config loader, not by make); then the build runs under a lock and is published whole.
report: $(STAMP) ## build every report (HTML + PDF) on DATA, in parallel over JOBS processes
	@$(PY) -m analysis.survey.preflight "$(DATA)"
	@$(PY) -m analysis.report.publish --stage $(R) --to $(PUBLISH_DIR) --lock $(B)/report.lock \
	  --manifest $(P)/manifest.json --processed-dir $(P) -- \
	  $(MAKE) --no-print-directory editions
	@echo "[report] up to date: $(PUBLISH_DIR)/ (editions: $(LANGS); each a main report, a data-quality report and $(words $(FACTSHEETS)) factsheets)"

reports: report

# --- quality ---------------------------------------------------------------------------------
test: $(TEST_STAMP) ## run the test suite (includes an end-to-end build into a temporary folder)
	$(PY) -m pytest -q

test-fast: $(TEST_STAMP) ## run the tests except the end-to-end build
	$(PY) -m pytest -q -m "not e2e"

# make lab LAB_ARGS="--no-browser --ip=0.0.0.0 --port=8888"; as root (containers, CI) --allow-root is
# added, and said, since JupyterLab refuses root otherwise.
LAB_ARGS ?=
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(LAB_STAMP) ## open JupyterLab on notebooks/ (installs it on first use; LAB_ARGS=... passed on)
	@$(if $(LAB_ROOT),echo "[lab] running as root: --allow-root added",true)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_ROOT) $(LAB_ARGS)

bench: $(STAMP) ## benchmark: cold/warm/incremental builds, per-stage times, estimation scale
	$(PY) scripts/bench.py

DRAWS ?= 1000
simulate: $(STAMP) ## coverage simulation of the project's design (DRAWS=1000; writes build/coverage.csv)
	$(PY) -m analysis.coverage --draws $(DRAWS) --jobs $(JOBS) --output $(B)/coverage.csv

clean: ## remove generated outputs (keeps .venv)
	rm -rf $(B) $(PUBLISH_DIR)/* $(P)/*
	touch $(PUBLISH_DIR)/.gitkeep $(P)/.gitkeep

distclean: clean ## also remove the virtual environment
	rm -rf $(VENV)

FORCE:
