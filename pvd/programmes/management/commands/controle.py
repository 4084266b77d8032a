import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from pvd.programmes.controles import controler
from pvd.programmes.selectors import aujourd_hui, programme_par_slug


class Command(BaseCommand):
    help = "Retards et incohérences du registre, en français ; code de sortie 1 s'il y a une incohérence."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="pvd")
        parser.add_argument("--departement", default="", help="code du département de suivi")
        parser.add_argument("--au", default="", help="date AAAA-MM-JJ (par défaut : aujourd'hui)")

    def handle(self, *args, programme, departement, au, **options):
        objet = programme_par_slug(programme)
        if objet is None:
            raise CommandError(f"Programme inconnu : « {programme} ».")
        try:
            jour = date.fromisoformat(au) if au else aujourd_hui()
        except ValueError as erreur:
            raise CommandError(
                f"Date invalide : « {au} ». Écrivez-la AAAA-MM-JJ, par exemple 2021-07-27."
            ) from erreur
        rapport = controler(objet, jour, departement.upper())
        self.stdout.write(rapport.texte())
        if rapport.incoherences:
            sys.exit(1)
