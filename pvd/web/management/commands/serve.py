"""`pvd serve` : le site en production, servi par gunicorn, réglé par l'environnement.

| variable | option de gunicorn | défaut |
|---|---|---|
| `PVD_BIND` | `--bind` (adresse:port, ou `unix:/chemin`) | `127.0.0.1:8000` |
| `PVD_WORKERS` | `--workers` (processus) | `2` |
| `PVD_THREADS` | `--threads` (fils par processus) | `1` |
| `PVD_TIMEOUT` | `--timeout` (secondes avant qu'un processus bloqué soit remplacé) | `60` |
| `PVD_GRACEFUL_TIMEOUT` | `--graceful-timeout` (secondes pour finir les requêtes à l'arrêt) | `30` |
| `PVD_MAX_REQUESTS` | `--max-requests` (un processus est renouvelé après ce nombre de requêtes, ±10 %) | `1000` |

Le journal des accès va sur la sortie standard, une ligne JSON par requête (date, méthode, chemin, statut, octets,
durée en microsecondes) ; les erreurs sur la sortie d'erreur. Refuse de démarrer si la base n'est pas à jour ;
collecte les fichiers statiques (servis par WhiteNoise) si leurs sources ont changé.
"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from pvd.exploitation.base import base_pas_a_jour
from pvd.web.statiques import statiques_collecter

REGLAGES = [
    ("PVD_BIND", "--bind", "127.0.0.1:8000", str),
    ("PVD_WORKERS", "--workers", "2", int),
    ("PVD_THREADS", "--threads", "1", int),
    ("PVD_TIMEOUT", "--timeout", "60", int),
    ("PVD_GRACEFUL_TIMEOUT", "--graceful-timeout", "30", int),
    ("PVD_MAX_REQUESTS", "--max-requests", "1000", int),
]
JOURNAL_DES_ACCES = (
    '{"date": "%(t)s", "methode": "%(m)s", "chemin": "%(U)s", "statut": %(s)s, "octets": %(B)s, '
    '"duree_us": %(D)s}'
)


def arguments_gunicorn(environ) -> list[str]:
    """Les arguments de gunicorn d'après l'environnement ; une valeur illisible lève `CommandError` en français."""
    arguments = ["pvd.config.wsgi:application"]
    for variable, option, defaut, type_ in REGLAGES:
        valeur = environ.get(variable, "").strip() or defaut
        if type_ is int and not (valeur.isascii() and valeur.isdigit() and int(valeur) > 0):
            raise CommandError(f"{variable} doit être un nombre entier positif (reçu « {valeur[:40]} »).")
        arguments += [option, valeur]
    max_requetes = int(environ.get("PVD_MAX_REQUESTS", "").strip() or "1000")
    arguments += ["--max-requests-jitter", str(max(1, max_requetes // 10))]
    arguments += ["--access-logfile", "-", "--access-logformat", JOURNAL_DES_ACCES, "--error-logfile", "-"]
    # Pas de socket de contrôle (`gunicornc`) : systemd pilote le service, et deux serveurs d'une même machine se
    # disputeraient le même chemin par défaut dans le dossier personnel.
    arguments.append("--no-control-socket")
    return arguments


class Command(BaseCommand):
    help = "Sert le site en production avec gunicorn (réglages : variables PVD_BIND, PVD_WORKERS… ; voir le README)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--afficher", action="store_true", help="Affiche la commande gunicorn sans la lancer."
        )

    def handle(self, *args, **options):
        arguments = arguments_gunicorn(os.environ)
        if options["afficher"]:
            self.stdout.write(" ".join(["gunicorn", *arguments]))
            return
        refus = base_pas_a_jour("serve")
        if refus:
            raise CommandError(refus)
        if statiques_collecter():
            self.stdout.write("Fichiers statiques collectés (leurs sources avaient changé).")
        for connexion in connections.all(initialized_only=True):
            connexion.close()  # chaque processus de gunicorn ouvre la sienne
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *arguments])
