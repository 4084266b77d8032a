import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from pvd.exploitation.base import base_pas_a_jour
from pvd.programmes.controles import controler
from pvd.programmes.selectors import aujourd_hui, programme_par_slug
from pvd.territoires.models import Departement


class Command(BaseCommand):
    help = (
        "Retards et incohérences du registre, en français ; code de sortie 1 s'il y a une incohérence, "
        "2 si la demande est invalide (programme, département ou date inconnus)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="pvd")
        parser.add_argument("--departement", default="", help="code du département de suivi")
        parser.add_argument("--au", default="", help="date AAAA-MM-JJ (par défaut : aujourd'hui)")

    def handle(self, *args, programme, departement, au, **options):
        refus = base_pas_a_jour("check")
        if refus:
            raise CommandError(refus, returncode=2)
        objet = programme_par_slug(programme)
        if objet is None:
            raise CommandError(f"Programme inconnu : « {programme} ».", returncode=2)
        try:
            jour = date.fromisoformat(au) if au else aujourd_hui()
        except ValueError as erreur:
            raise CommandError(
                f"Date invalide : « {au} ». Écrivez-la AAAA-MM-JJ, par exemple 2021-07-27.", returncode=2
            ) from erreur
        if departement and not Departement.objects.filter(code=departement.upper()).exists():
            raise CommandError(
                f"Département inconnu : « {departement} ». Donnez son code INSEE (46, 2A, 971…).",
                returncode=2,
            )
        rapport = controler(objet, jour, departement.upper())
        self.stdout.write(rapport.texte())
        if rapport.incoherences:
            sys.exit(1)
