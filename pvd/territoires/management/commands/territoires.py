import time

from django.core.management.base import BaseCommand, CommandError

from pvd.territoires.importation import ReferentielIntrouvable, referentiel_importer
from pvd.territoires.progression import Progression
from pvd.territoires.rapport import resume_import


class Command(BaseCommand):
    help = "Référentiel territorial. `pvd territoires import` charge le COG 2026, son historique 2021 et les coordonnées."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        importer = actions.add_parser("import", help="charge ou met à jour le référentiel (idempotent)")
        importer.add_argument(
            "--sans-historique", action="store_true", help="ne charge pas le millésime 2021"
        )
        importer.add_argument(
            "--sans-coordonnees", action="store_true", help="ne lit pas les coordonnées GeoNames"
        )

    def handle(self, *args, action, **options):
        progression = Progression(1, "Import", self.stderr._out)
        debut = time.monotonic()
        try:
            comptes = referentiel_importer(
                avec_historique=not options["sans_historique"],
                avec_coordonnees=not options["sans_coordonnees"],
                progression=progression.etape,
            )
        except ReferentielIntrouvable as erreur:
            raise CommandError(str(erreur)) from erreur
        finally:
            progression.terminer()
        self.stdout.write(resume_import(comptes, time.monotonic() - debut))
