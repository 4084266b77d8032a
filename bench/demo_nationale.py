"""Mesure : le premier `pvd demo --no-serve` sur une machine neuve (durée, pic de mémoire, durée du chargement des
données), le second (rien ne change), puis le tableau de bord national et la liste nationale de l'API avec le vrai
programme chargé (liste nationale du 22 janvier 2021 et faits du Lot), médiane et 95e centile de N requêtes.

Usage : python bench/demo_nationale.py [--requetes 50]
"""

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PVD = Path(sys.executable).with_name("pvd")


def lancer_demo(dossier: str) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_URL"))}
    env["PVD_DATA_DIR"] = dossier
    debut = time.perf_counter()
    resultat = subprocess.run(
        [str(PVD), "demo", "--no-serve"], capture_output=True, text=True, env=env, cwd=RACINE, check=True
    )
    return (
        time.perf_counter() - debut,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        resultat.stdout,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requetes", type=int, default=50)
    args = parser.parse_args()
    dossier = tempfile.mkdtemp(prefix="pvd-bench-demo-")
    duree, pic, sortie = lancer_demo(dossier)
    chargement = re.search(r"Données chargées en ([\d.]+) s", sortie).group(1)
    print("Premier `pvd demo --no-serve` (base neuve) :")
    print(
        f"  durée totale {duree:.1f} s (dont chargement des données {chargement} s ; le reste : migrations et"
    )
    print(f"  fichiers statiques collectés), pic de mémoire résidente {pic:.0f} Mo")
    for ligne in sortie.splitlines():
        if ligne.startswith(("Référentiel à jour", "Liste nationale", "Faits du Lot")):
            print(f"  {ligne[:160]}")
    duree2, _, sortie2 = lancer_demo(dossier)
    chargement2 = re.search(r"Données chargées en ([\d.]+) s", sortie2).group(1)
    liste2 = next(ligne for ligne in sortie2.splitlines() if ligne.startswith("Liste nationale"))
    print(f"Second lancement : {duree2:.1f} s (chargement {chargement2} s) — {liste2[:90]}")

    os.environ["PVD_DATA_DIR"] = dossier
    os.environ["PVD_ENV"] = "demo"
    os.environ.setdefault("PVD_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "pvd.config.settings.base"
    sys.path.insert(0, str(RACINE / "bench"))
    import django

    django.setup()
    from _commun import machine
    from django.test import Client

    from pvd.accounts.services import utilisateur_creer
    from pvd.programmes.models import Laureat

    print(machine())
    print(f"Registre : {Laureat.objects.count()} lauréats")
    client = Client()
    client.force_login(utilisateur_creer(email="mesure-nationale@anct.test", role="national"))
    pages = [
        ("Tableau de bord national", "/programmes/pvd/"),
        ("Tableau de bord national au 2021-07-27", "/programmes/pvd/?au=2021-07-27"),
        ("API lauréats, liste nationale (100)", "/api/v1/laureats?limit=100"),
        ("API lauréats, liste nationale (dernière page)", "/api/v1/laureats?limit=100&offset=1600"),
        ("Cantal (26 lauréats)", "/programmes/pvd/departements/15/"),
        ("Identifiants contestés (251 communes)", "/programmes/pvd/identifiants-contestes/"),
        ("Commune à l'identifiant contesté", "/communes/52064/"),
    ]
    print(f"\n{'page':52}{'médiane':>10}{'p95':>10}")
    for nom, url in pages:
        client.get(url)
        durees = []
        for _ in range(args.requetes):
            debut = time.perf_counter()
            reponse = client.get(url)
            durees.append((time.perf_counter() - debut) * 1000)
            assert reponse.status_code == 200, (url, reponse.status_code)
        durees.sort()
        print(f"{nom:52}{durees[len(durees) // 2]:>8.1f}ms{durees[int(0.95 * (len(durees) - 1))]:>8.1f}ms")


if __name__ == "__main__":
    main()
