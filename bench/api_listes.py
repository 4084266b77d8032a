"""Mesure : les listes et les détails de l'API sur un registre à l'échelle nationale, et la mémoire du résolveur.

Sur le registre national de `registre_national.py` et des plans d'action de `plans.py` (graine fixe, ici 5 000
fiches par défaut), mesure chaque point d'API (client de test Django, en processus, compte national puis sans
compte) : médiane et 95e centile du temps de processeur du serveur (`time.process_time`, moins sensible que le temps
écoulé à la charge de la machine), médiane du temps écoulé, nombre de requêtes SQL et taille de la réponse. Puis
le résolveur : temps de construction de son index au premier appel et mémoire du processus (RSS, VmHWM) avant et
après.

Usage : python bench/api_listes.py [--requetes 30] [--fiches 5000] [--seulement laureats]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time
from pathlib import Path

from _commun import machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from plans import generer_plans
from registre_national import generer  # prépare Django (base neuve)

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Laureat, Programme
from pvd.territoires.importation import referentiel_importer


def memoire() -> tuple[float, float]:
    """RSS et pic de RSS (VmHWM) du processus, en Mo."""
    valeurs = {}
    for ligne in Path("/proc/self/status").read_text().splitlines():
        cle, _, reste = ligne.partition(":")
        if cle in ("VmRSS", "VmHWM"):
            valeurs[cle] = int(reste.split()[0]) / 1024
    return valeurs.get("VmRSS", 0.0), valeurs.get("VmHWM", 0.0)


SCRIPT_RESOLVEUR = """
import gc, os, sys, time
sys.path.insert(0, {racine!r})
sys.path.insert(0, {projet!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pvd.config.settings.base")
import django
django.setup()
from pathlib import Path
def memoire():
    v = {{l.split(":")[0]: int(l.split()[1]) / 1024 for l in Path("/proc/self/status").read_text().splitlines()
         if l.startswith(("VmRSS", "VmHWM"))}}
    return v["VmRSS"], v["VmHWM"]
import pvd.territoires.resolution
assert pvd.territoires.resolution.__file__.startswith({projet!r})
from pvd.territoires.resolution import resoudre
from pvd.territoires.models import Commune
Commune.objects.first()
gc.collect()
avant = memoire()[0]
debut, debut_cpu = time.perf_counter(), time.process_time()
resoudre("Puy l'évêque")
ecoule, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
gc.collect()
apres, pic = memoire()
print(f"Résolveur (processus neuf) : index construit en {{cpu * 1000:.0f}} ms de processeur "
      f"({{ecoule * 1000:.0f}} ms écoulées) ; RSS {{avant:.0f}} → {{apres:.0f}} Mo (+{{apres - avant:.0f}} Mo), "
      f"pic {{pic:.0f}} Mo")
"""


def resolveur_dans_un_processus_neuf() -> str:
    """Lance un processus Python sur la même base (comme un worker gunicorn) et y construit l'index."""
    import subprocess
    import sys

    bench = Path(__file__).resolve().parent
    script = SCRIPT_RESOLVEUR.format(racine=str(bench), projet=str(bench.parent))
    sortie = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=os.environ.copy()
    )
    return (sortie.stdout or sortie.stderr).strip().splitlines()[-1]


def mesurer(client: Client, url: str, n: int) -> dict:
    client.get(url)  # échauffement
    cpu, ecoule = [], []
    for _ in range(n):
        debut_cpu, debut = time.process_time(), time.perf_counter()
        reponse = client.get(url)
        cpu.append((time.process_time() - debut_cpu) * 1000)
        ecoule.append((time.perf_counter() - debut) * 1000)
        assert reponse.status_code == 200, (url, reponse.status_code, reponse.content[:300])
    with CaptureQueriesContext(connection) as capture:
        reponse = client.get(url)
    cpu.sort()
    return {
        "cpu": statistics.median(cpu),
        "cpu95": cpu[int(0.95 * (len(cpu) - 1))],
        "ecoule": statistics.median(ecoule),
        "requetes": len(capture),
        "octets": len(reponse.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requetes", type=int, default=30)
    parser.add_argument("--fiches", type=int, default=5000)
    parser.add_argument(
        "--seulement", default="", help="ne mesurer que les adresses qui contiennent ce texte"
    )
    parser.add_argument("--profil", action="store_true", help="profil (cProfile) de chaque adresse mesurée")
    args = parser.parse_args()
    print(machine())
    debut = time.perf_counter()
    referentiel_importer()
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    comptes = generer(programme)
    comptes |= generer_plans(programme, args.fiches, args.fiches * 4)
    print(f"Registre généré en {time.perf_counter() - debut:.1f} s : {comptes}")
    convention = Convention.objects.filter(type="cadre_ort").order_by("id").first()
    laureat = Laureat.objects.filter(commune_id="46128").first() or Laureat.objects.order_by("id").first()
    national = Client()
    national.force_login(utilisateur_creer(email="mesure@anct.test", role="national"))
    public = Client()
    points = [
        (national, "/api/v1/laureats?limit=500"),
        (national, "/api/v1/laureats?departement=46"),
        (national, "/api/v1/conventions?limit=500"),
        (national, "/api/v1/conventions?departement=46"),
        (national, "/api/v1/fiches-actions?limit=500"),
        (public, "/api/v1/communes?limit=500"),
        (public, "/api/v1/communes?departement=46&limit=500"),
        (public, "/api/v1/laureats?limit=500"),
        (public, "/api/v1/epci?limit=500"),
        (national, f"/api/v1/laureats/{laureat.pk}"),
        (national, f"/api/v1/conventions/{convention.pk}"),
        (public, "/api/v1/communes/46128"),
        (public, "/api/v1/epci/200066389"),
    ]
    # Le résolveur dans un processus neuf (comme un worker) : mémoire avant et après la construction de son index.
    print(resolveur_dans_un_processus_neuf())
    points.append((public, "/api/v1/resolve?nom=Puy+l%27%C3%A9v%C3%AAque&departement=46"))
    print(f"\n{'point d API':58}{'cpu méd.':>10}{'cpu p95':>10}{'écoulé':>10}{'req.':>6}{'octets':>10}")
    for client, url in points:
        if args.seulement not in url:
            continue
        m = mesurer(client, url, args.requetes)
        if args.profil:
            profil = cProfile.Profile()
            profil.runcall(client.get, url)
            pstats.Stats(profil).sort_stats("cumulative").print_stats(45)
        qui = "public " if client is public else "nation."
        print(
            f"{qui} {url[:50]:50}{m['cpu']:>8.1f}ms{m['cpu95']:>8.1f}ms{m['ecoule']:>8.1f}ms"
            f"{m['requetes']:>6}{m['octets']:>10}"
        )


if __name__ == "__main__":
    main()
