"""Un vrai `pvd worker`, tué net (SIGKILL) en pleine écriture d'un import : le registre est intact, et le travail,
resté « en cours », est déclaré échoué avec sa raison au redémarrage du processus de travaux — jamais « en cours »
pour toujours.

Le processus travaille sur sa propre base SQLite en fichier (la base de test est en mémoire, et défaite à la fin de
chaque test) ; le test lit cette base directement pour suivre l'avancement et compter les lignes.
"""

import os
import re
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

PREPARER = """
import django
django.setup()
from pvd.accounts.services import utilisateur_creer
from pvd.imports.services import fichier_deposer
from pvd.territoires.models import Commune
from pvd.travaux.models import Travail
from pvd.travaux.services import travail_lancer
from pvd.travaux.taches import import_executer

communes = Commune.objects.filter(departement_id__in=["46", "12", "24", "19", "15", "81", "82", "47", "32", "65"],
                                  obsolete=False).order_by("code")
contenu = "insee_com,lib_com,id_pvd\\n" + "\\n".join(f"{c.code},{c.nom},tue-{i}" for i, c in enumerate(communes))
auteur = utilisateur_creer(email="anct@anct.gouv.fr", role="national")
fichier = fichier_deposer(auteur=auteur, nom="liste-sud-ouest.csv", contenu=contenu.encode(), source="anct-pvd",
                          departement=None)
travail = travail_lancer(nature=Travail.Nature.IMPORT, libelle="Import de liste-sud-ouest.csv", auteur=auteur,
                         tache=import_executer, fichier_id=str(fichier.pk))
print(travail.pk, communes.count())
"""
TABLES = (
    "programmes_laureat",
    "programmes_convention",
    "programmes_evenement",
    "programmes_documentsource",
    "imports_importrealise",
    "imports_fichierimport",
)


def environnement(dossier, **en_plus):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_URL"))}
    env.update(PVD_ENV="demo", PVD_DATA_DIR=str(dossier), PVD_LOG_LEVEL="ERROR", **en_plus)
    return env


def pvd(*arguments, dossier, **en_plus):
    return subprocess.run(
        [sys.executable, "-m", "pvd.cli", *arguments],
        env=environnement(dossier, **en_plus),
        capture_output=True,
        text=True,
        timeout=600,
    )


def base(dossier) -> sqlite3.Connection:
    connexion = sqlite3.connect(dossier / "pvd.sqlite3", timeout=30)
    connexion.create_function(
        "REGEXP", 2, lambda motif, texte: texte is not None and bool(re.search(motif, texte))
    )
    return connexion


def comptes(dossier) -> tuple:
    with base(dossier) as b:
        return tuple(b.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES)


def travail(dossier, pk: str) -> dict:
    with base(dossier) as b:
        b.row_factory = sqlite3.Row
        ligne = b.execute("SELECT * FROM travaux_travail WHERE id = ?", (pk.replace("-", ""),)).fetchone()
        return dict(ligne)


@pytest.fixture
def base_neuve(tmp_path):
    for commande in (("migrate", "--verbosity", "0"), ("territoires", "import")):
        fait = pvd(*commande, dossier=tmp_path)
        assert fait.returncode == 0, fait.stdout + fait.stderr
    return tmp_path


def test_worker_tue_en_pleine_ecriture(base_neuve):
    tmp_path = base_neuve
    prepare = subprocess.run(
        [sys.executable, "-c", PREPARER],
        env=environnement(tmp_path, DJANGO_SETTINGS_MODULE="pvd.config.settings.base"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert prepare.returncode == 0, prepare.stderr
    pk, lignes = prepare.stdout.split()
    assert int(lignes) > 3000
    avant = comptes(tmp_path)
    assert travail(tmp_path, pk)["etat"] == "en_attente"

    processus = subprocess.Popen(
        [sys.executable, "-m", "pvd.cli", "worker", "--intervalle", "0.2"],
        env=environnement(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    vus = []
    try:
        fin = time.monotonic() + 300
        while time.monotonic() < fin:
            etat = travail(tmp_path, pk)
            vus.append((etat["etat"], etat["lignes_resolues"], etat["etape"]))
            if etat["etape"] == "écriture au registre" or etat["etat"] in ("termine", "echoue"):
                break
            time.sleep(0.02)
        # L'écriture de ~3 500 lauréats dure plus d'une seconde ici : tué 0,2 s après son début, en pleine transaction.
        time.sleep(0.2)
    finally:
        processus.send_signal(signal.SIGKILL)
        processus.wait(timeout=60)
    assert etat["etat"] == "en_cours" and etat["etape"] == "écriture au registre", vus[-5:]
    # L'avancement a été vu progresser pendant la résolution, avant l'écriture.
    resolues = [r for e, r, _ in vus if e == "en_cours"]
    assert resolues == sorted(resolues) and etat["lignes_lues"] == int(lignes)

    # Tué en pleine transaction d'écriture : rien n'est écrit, le fichier déposé est toujours là.
    assert comptes(tmp_path) == avant
    assert travail(tmp_path, pk)["etat"] == "en_cours"

    # Le processus de travaux redémarre : le travail muet depuis plus d'une seconde est déclaré échoué.
    time.sleep(1.5)
    reprise = pvd("worker", "--batch", dossier=tmp_path, PVD_TRAVAUX_SILENCE_MAX="1")
    assert reprise.returncode == 0, reprise.stdout + reprise.stderr
    apres = travail(tmp_path, pk)
    assert apres["etat"] == "echoue"
    assert apres["message"] == "Le traitement s'est interrompu ; rien n'a été écrit ; relancez l'import."
    with base(tmp_path) as b:
        statut = b.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (apres["tache_id"].replace("-", ""),),
        ).fetchone()
    assert statut == ("FAILED",)
    assert comptes(tmp_path) == avant


def _vivant(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as statut:
            return "\nState:\tZ" not in statut.read()  # un zombie a fini
    except FileNotFoundError:
        return False


def test_le_processus_de_travaux_s_arrete_avec_le_site(tmp_path):
    """`pvd demo` lance `pvd worker` à côté du site (`processus_a_cote`) : arrêté avec lui (SIGTERM), ou de lui-même
    quand le site disparaît sans prévenir (SIGKILL)."""
    fait = pvd("migrate", "--verbosity", "0", dossier=tmp_path)
    assert fait.returncode == 0, fait.stderr
    site = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, django; django.setup(); from pvd.travaux.travailleur import processus_a_cote; "
            "print(processus_a_cote().pid, flush=True); time.sleep(120)",
        ],
        env=environnement(
            tmp_path, PVD_TRAVAUX_SILENCE_MAX="2", DJANGO_SETTINGS_MODULE="pvd.config.settings.base"
        ),
        stdout=subprocess.PIPE,
        text=True,
    )
    travaux = int(site.stdout.readline())
    time.sleep(3)
    assert _vivant(travaux)
    site.send_signal(signal.SIGKILL)
    site.wait(timeout=30)
    fin = time.monotonic() + 30
    while _vivant(travaux) and time.monotonic() < fin:
        time.sleep(0.2)
    assert not _vivant(travaux), "le processus de travaux survit au site"


def test_processus_arreter_finit_proprement(tmp_path, monkeypatch):
    from pvd.travaux.travailleur import processus_a_cote, processus_arreter

    fait = pvd("migrate", "--verbosity", "0", dossier=tmp_path)
    assert fait.returncode == 0, fait.stderr
    for variable in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PVD_ENV", "demo")
    monkeypatch.setenv("PVD_DATA_DIR", str(tmp_path))
    processus = processus_a_cote()
    time.sleep(3)
    assert processus.poll() is None
    processus_arreter(processus)
    assert processus.returncode == 0
