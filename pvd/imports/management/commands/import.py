import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pvd.cli import ecrire_fichier, lire_fichier
from pvd.imports.pipeline import SOURCES, TRACE_IMPORT, ImportRefuse, apercu
from pvd.imports.rapport import fichier_compte_rendu, resume
from pvd.imports.services import tableau_importer
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Departement


class Command(BaseCommand):
    help = "Importe un fichier (liste ANCT, suivi des ORT, tableur de préfecture) : aperçu, puis écriture d'un bloc."

    def add_arguments(self, parser):
        parser.add_argument("fichier")
        parser.add_argument("--source", required=True, choices=sorted(SOURCES))
        parser.add_argument(
            "--departement", default="", help="limiter au département (et le donner comme contexte)"
        )
        parser.add_argument("--dry-run", action="store_true", help="aperçu seulement : rien n'est écrit")
        parser.add_argument("--report", help="écrire le compte rendu ligne à ligne (CSV)")
        parser.add_argument(
            "--valides-seulement", action="store_true", help="importer les lignes valides malgré les refus"
        )
        parser.add_argument("--colonnes", help='pour un tableur : JSON {"titre de colonne": "champ"}')

    def handle(
        self, *args, fichier, source, departement, dry_run, report, valides_seulement, colonnes, **options
    ):
        chemin = Path(fichier)
        contenu = lire_fichier(chemin)
        dep = None
        if departement:
            dep = Departement.objects.filter(code=departement.upper()).first()
            if dep is None:
                raise CommandError(f"Département inconnu : « {departement} ».")
        try:
            correspondance = json.loads(colonnes) if colonnes else None
        except json.JSONDecodeError as erreur:
            raise CommandError("--colonnes : JSON illisible.") from erreur
        try:
            if dry_run:
                plan = apercu(contenu, chemin.name, source, departement=dep, correspondance=correspondance)
            else:
                plan = tableau_importer(
                    contenu,
                    chemin.name,
                    source,
                    departement=dep,
                    correspondance=correspondance,
                    valides_seulement=valides_seulement,
                    trace=TRACE_IMPORT,
                )
        except (FichierIllisible, ImportRefuse) as erreur:
            if report and isinstance(erreur, ImportRefuse):
                plan = apercu(contenu, chemin.name, source, departement=dep, correspondance=correspondance)
                ecrire_fichier(report, fichier_compte_rendu(plan))
                self.stderr.write(resume(plan, ecrit=False))
            raise CommandError(str(erreur)) from erreur
        if report:
            ecrire_fichier(report, fichier_compte_rendu(plan))
        self.stdout.write(resume(plan, ecrit=not dry_run))
