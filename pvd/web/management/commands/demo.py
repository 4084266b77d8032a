import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pvd.territoires.importation import referentiel_importer
from pvd.territoires.rapport import resume_import


class Command(BaseCommand):
    help = "Prépare la démonstration (base, référentiel) puis sert le site sur http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="tout préparer sans servir le site")
        parser.add_argument("--adresse", default="127.0.0.1:8000", help="adresse et port du serveur")

    def handle(self, *args, no_serve, adresse, **options):
        self.stdout.write(f"Données de démonstration dans {settings.DATA_DIR}")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Référentiel territorial (COG 2026 et historique 2021)…")
        debut = time.monotonic()
        comptes = referentiel_importer()
        self.stdout.write(resume_import(comptes, time.monotonic() - debut).splitlines()[-1])
        if no_serve:
            self.stdout.write("Démonstration prête (site non servi : --no-serve).")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Site de démonstration : http://{adresse}/ (Ctrl-C pour arrêter)")
        )
        call_command("runserver", adresse, use_reloader=False)
