import json
from datetime import date as Date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pvd.cli import ecrire_fichier
from pvd.programmes.selectors import aujourd_hui, programme_par_slug
from pvd.publication.exports import JEUX, produire


class Command(BaseCommand):
    help = (
        "Exporte un jeu de données ouvertes (lauréats, ORT, conventions, fiches actions, lignes de financement, "
        "subventions SCDL, projets, carte GeoJSON) d'un programme, à une date."
    )

    def add_arguments(self, parser):
        parser.add_argument("jeu", choices=JEUX)
        parser.add_argument("--programme", default="pvd")
        parser.add_argument("--au", default="", help="date AAAA-MM-JJ (par défaut : aujourd'hui)")
        parser.add_argument("--departement", default="", help="code du département de suivi")
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", required=True, help="fichier de sortie ; le Table Schema va à côté")
        parser.add_argument(
            "--inclure-non-publie", action="store_true", help="usage interne : tout le registre"
        )
        parser.add_argument(
            "--avec-noms-signataires", action="store_true", help="publier aussi les noms (conventions)"
        )

    def handle(self, *args, jeu, programme, au, departement, format, output, **options):
        objet = programme_par_slug(programme)
        if objet is None:
            raise CommandError(f"Programme inconnu : « {programme} ».")
        try:
            jour = Date.fromisoformat(au) if au else aujourd_hui()
        except ValueError as erreur:
            raise CommandError(f"Date invalide : « {au} ». Écrivez-la AAAA-MM-JJ.") from erreur
        if jeu == "geojson":
            format = "json"
        elif format == "json":
            raise CommandError("Le format json est réservé au jeu geojson : choisissez csv ou xlsx.")
        contenu, schema = produire(
            jeu,
            format,
            programme=objet,
            au=jour,
            departement=departement.upper(),
            publics=not options["inclure_non_publie"],
            avec_noms=options["avec_noms_signataires"],
        )
        sortie = Path(output)
        ecrire_fichier(sortie, contenu)
        message = f"{jeu} ({format}) écrit dans {sortie} ({len(contenu)} octets)"
        if schema:
            chemin_schema = sortie.with_suffix(".schema.json")
            ecrire_fichier(chemin_schema, json.dumps(schema, ensure_ascii=False, indent=2).encode("utf-8"))
            message += f", schéma dans {chemin_schema}"
        elif jeu == "geojson":
            sans = json.loads(contenu)["sans_coordonnees"]
            message += f" ; {len(sans)} lauréat(s) sans coordonnées, gardés avec une géométrie vide"
        self.stdout.write(message + ".")
