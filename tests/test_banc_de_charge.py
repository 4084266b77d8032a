"""Le banc de charge (bench/charge.py, ADR 0014) : ses dépendances à part sont figées et sans adresse de dépôt, ses
scripts se lisent, `make bench` le lance. Ses modules ne s'importent pas ici (locust et Datasette ne sont pas dans
l'environnement des tests) : on lit leur source."""

import ast
import re
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent


def test_dependances_du_banc_figees_sans_adresse():
    lignes = [
        ligne.strip()
        for ligne in (RACINE / "bench" / "requirements.txt").read_text().splitlines()
        if ligne.strip() and not ligne.startswith("#")
    ]
    mal_figees = [
        ligne for ligne in lignes if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", ligne)
    ]
    assert mal_figees == []
    assert {"locust==2.47.0", "datasette==0.65.5"} <= set(lignes)
    texte = (RACINE / "bench" / "requirements.txt").read_text()
    assert "://" not in texte and "--index-url" not in texte and "--extra-index-url" not in texte


def test_scripts_du_banc_lisibles_et_scenarios_presents():
    locustfile = ast.parse((RACINE / "bench" / "charge_locust.py").read_text())
    classes = {n.name for n in locustfile.body if isinstance(n, ast.ClassDef)}
    assert {
        "VisiteurPublic",
        "AgentPrefecture",
        "ChefDeProjet",
        "LecteurApi",
        "LecteurDatasette",
        "ComparaisonPvd",
        "ComparaisonDatasette",
    } <= classes
    charge = (RACINE / "bench" / "charge.py").read_text()
    ast.parse(charge)
    # Les classes que charge.py demande à locust existent dans le fichier de scénarios.
    demandees = set(re.findall(r'"((?:Visiteur|Agent|Chef|Lecteur|Comparaison)[A-Za-z]+)"', charge))
    assert demandees and demandees <= classes


def test_make_bench_lance_la_charge_dans_son_environnement():
    makefile = (RACINE / "Makefile").read_text()
    assert re.search(r"^bench: .*install-bench", makefile, re.M)
    assert re.search(r"^bench-charge: .*install-bench", makefile, re.M)
    assert "bench/charge.py" in makefile
    assert "-r bench/requirements.txt" in makefile
