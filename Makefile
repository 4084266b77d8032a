# PVD — deux commandes : `make demo` (installe, prépare, sert le site) et `make test` (installe, teste tout).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PVD := $(VENV)/bin/pvd
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test install install-test install-bench lint bench bench-charge clean

$(VENV)/.installe: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Banc de charge : locust et Datasette dans leur propre environnement (leurs versions gêneraient celles des tests).
VENV_BENCH ?= .venv-bench
$(VENV_BENCH)/.installe: bench/requirements.txt
	$(PYTHON) -m venv $(VENV_BENCH)
	$(VENV_BENCH)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

install-bench: $(VENV_BENCH)/.installe

$(VENV)/.installe-tests: $(VENV)/.installe requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

node_modules/.installe: package.json package-lock.json .npmrc
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Bibliothèques de WeasyPrint (export PDF) ; Chromium pour les tests de navigateur.
PAQUETS_PDF := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

install: $(VENV)/.installe node_modules/.installe
	@scripts/installer-paquets-debian.sh $(PAQUETS_PDF)

install-test: $(VENV)/.installe-tests node_modules/.installe
	@scripts/installer-paquets-debian.sh $(PAQUETS_PDF) chromium

## make demo : base, référentiel et site de démonstration sur http://127.0.0.1:8000
demo: install
	$(PVD) demo

## make test : lint, migrations à jour, toute la suite sur SQLite, puis sur PostgreSQL si DATABASE_URL est donnée
test: install-test lint
	env -u DATABASE_URL PVD_ENV=test $(PVD) makemigrations --check --dry-run
	env -u DATABASE_URL $(PY) -m pytest
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== Même suite sur $$DATABASE_URL =="; \
		$(PY) -m pytest; \
	else \
		echo "(DATABASE_URL non définie : suite PostgreSQL non lancée)"; \
	fi

lint: $(VENV)/.installe-tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## make bench : mesures (import du référentiel, résolution de noms, pages et plans d'action à l'échelle nationale,
## charge sous locust face à Datasette)
bench: install-test install-bench
	$(PY) bench/import_referentiel.py
	$(PY) bench/resolution.py
	$(PY) bench/registre_national.py
	$(PY) bench/publication.py
	$(PY) bench/imports.py
	$(PY) bench/maquette.py
	$(PY) bench/lecture_communiques.py
	$(PY) bench/demo_nationale.py
	$(PY) bench/plans.py
	$(PY) bench/plan_documents.py
	$(PY) bench/charge.py

## make bench-charge : la charge seule (locust, 2 minutes à 50 utilisateurs, PVD et Datasette côte à côte)
bench-charge: install-test install-bench
	$(PY) bench/charge.py

clean:
	rm -rf $(VENV) $(VENV_BENCH) node_modules .pytest_cache
