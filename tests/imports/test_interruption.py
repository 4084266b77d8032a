"""Un import tué n'importe quand (SIGKILL, sans rien pouvoir ranger) laisse la base intacte : tout ou rien.

Le processus `pvd import` travaille sur sa propre base SQLite en fichier (la base de test est en mémoire) ; on le
tue 20 fois à des instants tirés au hasard sur toute sa durée, et on vérifie chaque fois la base.
"""

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="test de la base SQLite en fichier, joué lors du passage SQLite",
)

ESSAIS = 20


def environnement(dossier):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_URL"))}
    env.update(PVD_ENV="demo", PVD_DATA_DIR=str(dossier), PVD_LOG_LEVEL="ERROR")
    return env


def pvd(*arguments, dossier, **options):
    return subprocess.Popen(
        [sys.executable, "-m", "pvd.cli", *arguments],
        env=environnement(dossier),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def etat(dossier):
    with sqlite3.connect(dossier / "pvd.sqlite3") as base:
        # Les contraintes CHECK du schéma utilisent REGEXP, que Django fournit à ses connexions.
        base.create_function(
            "REGEXP", 2, lambda motif, texte: texte is not None and bool(re.search(motif, texte))
        )
        assert base.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return tuple(
            base.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in (
                "programmes_laureat",
                "programmes_convention",
                "programmes_conventioncommune",
                "programmes_signataire",
                "programmes_evenement",
                "imports_importrealise",
            )
        )


@pytest.fixture(scope="module")
def base_initiale(tmp_path_factory):
    """Une base en fichier avec le référentiel, et une liste de lauréats de quatre départements."""
    dossier = tmp_path_factory.mktemp("initiale")
    for commande in (("migrate", "--verbosity", "0"), ("territoires", "import")):
        processus = pvd(*commande, dossier=dossier)
        sortie, erreurs = processus.communicate(timeout=300)
        assert processus.returncode == 0, sortie + erreurs
    with sqlite3.connect(dossier / "pvd.sqlite3") as base:
        communes = base.execute(
            "SELECT code, nom FROM territoires_commune WHERE departement_id IN ('46', '12', '19', '24') "
            "AND population BETWEEN 1500 AND 19999 AND epci_id IS NOT NULL AND NOT obsolete ORDER BY code"
        ).fetchall()
    lignes = ["insee_com,lib_com,id_pvd,date_signature"] + [
        f"{code},{nom},crash-{i},2021-07-27" for i, (code, nom) in enumerate(communes)
    ]
    (dossier / "liste.csv").write_text("\n".join(lignes), encoding="utf-8")
    return dossier, len(communes)


def copie(base_initiale, destination):
    dossier, _ = base_initiale
    destination.mkdir()
    for nom in ("pvd.sqlite3", "pvd.sqlite3-wal", "cle-secrete-demo.txt", "liste.csv"):
        if (dossier / nom).exists():
            shutil.copy(dossier / nom, destination / nom)
    return destination


def test_import_tue_au_hasard_vingt_fois(base_initiale, tmp_path):
    _, nombre = base_initiale
    assert nombre > 50
    # Un import mené à son terme donne l'état « tout » et sa durée.
    complet = copie(base_initiale, tmp_path / "complet")
    vide = etat(complet)
    debut = time.monotonic()
    processus = pvd("import", str(complet / "liste.csv"), "--source", "anct-pvd", dossier=complet)
    sortie, erreurs = processus.communicate(timeout=600)
    duree = time.monotonic() - debut
    assert processus.returncode == 0, sortie + erreurs
    tout = etat(complet)
    assert tout[0] == vide[0] + nombre and tout[-1] == vide[-1] + 1

    alea = random.Random(os.environ.get("PVD_GRAINE_CRASH", "20"))
    vus = set()
    for essai in range(ESSAIS):
        dossier = copie(base_initiale, tmp_path / f"essai-{essai}")
        processus = pvd("import", str(dossier / "liste.csv"), "--source", "anct-pvd", dossier=dossier)
        time.sleep(alea.uniform(0.2, duree))
        processus.send_signal(signal.SIGKILL)
        processus.communicate(timeout=60)
        apres = etat(dossier)
        assert apres in (vide, tout), f"essai {essai} : base à moitié écrite {apres} (ni {vide} ni {tout})"
        vus.add(apres)
        # La base reste utilisable : l'import repris va au bout et donne le même état final.
        if apres == vide and essai % 5 == 0:
            reprise = pvd("import", str(dossier / "liste.csv"), "--source", "anct-pvd", dossier=dossier)
            sortie, erreurs = reprise.communicate(timeout=600)
            assert reprise.returncode == 0, sortie + erreurs
            assert etat(dossier) == tout
    # Les instants tirés couvrent l'écriture : au moins un essai tué avant la fin.
    assert vide in vus
