"""Après `pvd demo --no-serve`, chaque commande du tableau du README marche telle qu'écrite, dans un nouveau
processus, sans rien exporter : ni PVD_ENV, ni DATABASE_URL. Le dossier personnel est neuf (HOME temporaire), comme
sur la machine d'un nouvel utilisateur ; les commandes servent la base de la démonstration.

La démonstration est la même quelle que soit la base de la suite : sous PostgreSQL, ce test (SQLite par construction)
n'est pas rejoué.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pvd.cli import usage

RACINE = Path(__file__).resolve().parents[1]
PVD = Path(sys.executable).with_name("pvd")

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="la démonstration tourne sur SQLite, déjà vérifiée dans la suite SQLite",
)


def commandes_du_readme() -> list[str]:
    """Le premier mot de chaque commande du tableau `pvd` du README (« resolve », « users »…)."""
    texte = (RACINE / "README.md").read_text(encoding="utf-8")
    return sorted({m for m in re.findall(r"^\| `pvd ([a-z-]+)", texte, flags=re.M)} | {"restore"})


def test_pvd_sans_argument_liste_chaque_commande_du_readme():
    aide = usage()
    manquantes = [c for c in commandes_du_readme() if f"pvd {c}" not in aide]
    assert commandes_du_readme(), "le tableau des commandes du README est introuvable"
    assert manquantes == []


@pytest.fixture(scope="module")
def machine_neuve(tmp_path_factory):
    """Un HOME neuf, un environnement sans réglage de PVD, puis `pvd demo --no-serve` comme le lance `make demo`."""
    maison = tmp_path_factory.mktemp("maison")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_URL", "XDG_"))
    }
    env["HOME"] = str(maison)

    def pvd(*args: str, code: int = 0) -> str:
        resultat = subprocess.run(
            [str(PVD), *args], capture_output=True, text=True, env=env, cwd=maison, timeout=600
        )
        sortie = resultat.stdout + resultat.stderr
        assert resultat.returncode == code, f"pvd {' '.join(args)} → {resultat.returncode}\n{sortie}"
        return sortie

    sortie = pvd("demo", "--no-serve")
    assert "Démonstration prête" in sortie
    # Le vrai programme : la liste nationale par le pipeline d'import, puis les faits du Lot.
    assert "Liste nationale des lauréats (ANCT, 22 janvier 2021) : 1606 créé, 0 modifié" in sortie
    assert "1 ligne refusée (ligne 1516 : code commune « 999999 »" in sortie
    assert "251 lauréates avec un identifiant contesté" in sortie
    assert "1 nouvelle lauréate, 20 sources notées, 16 conventions" in sortie  # Vayrac
    return pvd, maison


def test_relancer_la_demo_ne_change_rien(machine_neuve):
    pvd, _ = machine_neuve
    sortie = pvd("demo", "--no-serve")
    assert "Liste nationale des lauréats (ANCT, 22 janvier 2021) : 0 créé, 0 modifié, 1606 inchangé" in sortie
    assert "Faits du Lot déjà chargés." in sortie
    assert "104 identifiants contestés." in pvd("identifiants", "contestes")


def test_le_mode_demo_est_retenu_pour_les_commandes_suivantes(machine_neuve):
    _, maison = machine_neuve
    fichier = maison / ".local" / "share" / "pvd" / "local.env"
    assert "PVD_ENV=demo" in fichier.read_text(encoding="utf-8")


def test_la_demo_passe_son_propre_controle(machine_neuve):
    """`pvd check --departement 46` sur la démonstration : aucune incohérence, code de sortie 0."""
    pvd, _ = machine_neuve
    sortie = pvd("check", "--departement", "46")
    assert "Incohérences à corriger : 0" in sortie


def test_commandes_du_readme_apres_la_demo(machine_neuve):
    pvd, maison = machine_neuve
    assert "0 créé, 0 modifié" in pvd("territoires", "import")
    assert "46231" in pvd("resolve", "Puy l'évêque", "--departement", "46")

    (maison / "noms.csv").write_text("nom;departement\nLimogne;46\nGramat;46\n", encoding="utf-8")
    pvd("resolve", "--file", str(maison / "noms.csv"), "--output", str(maison / "codes.csv"))
    assert "46173" in (maison / "codes.csv").read_text(encoding="utf-8-sig")

    pvd("alias", "add", "Les Causses", "--epci", "200066371")
    assert "Les Causses" in pvd("alias", "list")
    pvd("alias", "remove", "Les Causses", "--type", "epci")

    pvd("communique", "--departement", "46", "--date", "2021-07-27", "--format", "md", "--output", "c.md")
    assert "Petites villes de demain" in (maison / "c.md").read_text(encoding="utf-8")
    pvd("communique", "--departement", "46", "--date", "2021-07-27", "--format", "docx", "--output", "c.docx")
    assert (maison / "c.docx").read_bytes().startswith(b"PK")

    pvd("export", "laureats", "--programme", "pvd", "--format", "csv", "--output", "laureats.csv")
    assert "46128" in (maison / "laureats.csv").read_text(encoding="utf-8")
    assert (maison / "laureats.schema.json").exists()

    assert "Contrôle de Petites villes de demain" in pvd("check", "--departement", "46")
    assert "identifiants" in pvd("identifiants", "contestes", "--departement", "52").lower()

    pvd("users", "create", "--email", "agent@lot.gouv.fr", "--role", "prefecture", "--departement", "46")
    assert "agent@lot.gouv.fr" in pvd("users", "list")
    assert "Bearer" in pvd("users", "token", "--email", "agent@lot.gouv.fr")
    pvd("users", "disable", "--email", "agent@lot.gouv.fr")

    (maison / "liste.csv").write_text("insee_com,lib_com,id_pvd\n46128,Gramat,\n", encoding="utf-8")
    pvd("import", str(maison / "liste.csv"), "--source", "anct-pvd", "--dry-run")

    (maison / "communique.txt").write_text(
        "Le préfet du Lot a signé la convention d'adhésion de la communauté de communes du Quercy Blanc "
        "avec les communes de Montcuq-en-Quercy-Blanc et Castelnau-Montratier-Sainte-Alauzie.\n",
        encoding="utf-8",
    )
    assert "Montcuq" in pvd("lire-communique", str(maison / "communique.txt"), "--departement", "46")

    pvd("backup", "--output", str(maison / "sauvegardes"))
    archive = next((maison / "sauvegardes").glob("*.tar.gz"))
    pvd("restore", str(archive), "--database", str(maison / "restauree.sqlite3"))
    pvd("securite", "purger")
    pvd("migrate")
    assert "gunicorn pvd.config.wsgi:application --bind 127.0.0.1:8000" in pvd("serve", "--afficher")
    assert "Processus de travaux prêt" in pvd("worker", "--batch")
