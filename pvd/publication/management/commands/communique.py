from datetime import date as Date

from django.core.management.base import BaseCommand, CommandError

from pvd.cli import ecrire_fichier
from pvd.programmes.selectors import programme_par_slug
from pvd.publication.communique import communique_rediger
from pvd.publication.rendus import FORMATS, ExportIndisponible, rendre
from pvd.territoires.models import Departement


class Command(BaseCommand):
    help = "Écrit le communiqué de presse d'un département pour une date, depuis le registre."

    def add_arguments(self, parser):
        parser.add_argument("--departement", required=True, help="code du département (46)")
        parser.add_argument("--date", required=True, help="date des signatures, AAAA-MM-JJ")
        parser.add_argument("--programme", default="pvd")
        parser.add_argument("--lieu", default="", help="lieu (par défaut : le chef-lieu du département)")
        parser.add_argument("--format", choices=sorted(FORMATS), default="md")
        parser.add_argument(
            "--output", help="fichier de sortie (par défaut : la sortie standard, en Markdown)"
        )

    def handle(self, *args, departement, date: str, programme, lieu, format, output, **options):
        objet = programme_par_slug(programme)
        if objet is None:
            raise CommandError(f"Programme inconnu : « {programme} ».")
        dep = Departement.objects.select_related("chef_lieu").filter(code=departement.upper()).first()
        if dep is None:
            raise CommandError(f"Département inconnu : « {departement} ».")
        try:
            jour = _date(date)
        except ValueError as erreur:
            raise CommandError(
                f"Date invalide : « {date} ». Écrivez-la AAAA-MM-JJ, par exemple 2021-07-27."
            ) from erreur
        communique = communique_rediger(programme=objet, departement=dep, jour=jour, lieu=lieu)
        try:
            contenu = rendre(communique, format)
        except ExportIndisponible as erreur:
            raise CommandError(str(erreur)) from erreur
        if output:
            ecrire_fichier(output, contenu)
            self.stdout.write(f"Communiqué écrit dans {output} ({format.upper()}, {len(contenu)} octets).")
        elif format == "md":
            self.stdout.write(contenu.decode("utf-8"))
        else:
            raise CommandError(f"Le format {format} est binaire : indiquez un fichier avec --output.")


def _date(texte: str):
    return Date.fromisoformat(texte)
