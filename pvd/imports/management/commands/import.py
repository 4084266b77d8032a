import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pvd.actions.models import Axe
from pvd.cli import ecrire_fichier, lire_fichier
from pvd.imports.colonnes import SOURCES, colonnes_du_fichier
from pvd.imports.ecriture import TRACE_IMPORT, apercu, maquette_apercu, maquette_importer
from pvd.imports.pipeline import ImportRefuse
from pvd.imports.rapport import ProgressionTerminal, fichier_compte_rendu, proposition_de_colonnes, resume
from pvd.imports.selectors import correspondance_proposee
from pvd.imports.services import tableau_importer
from pvd.programmes.models import Convention
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
        parser.add_argument(
            "--date-document",
            default="",
            help="date du document AAAA-MM-JJ (par défaut : celle écrite dans le nom du fichier, s'il y en a une)",
        )
        parser.add_argument("--colonnes", help='pour un tableur : JSON {"titre de colonne": "champ"}')
        parser.add_argument(
            "--convention", type=int, help="pour une maquette financière : la convention-cadre (son numéro)"
        )
        parser.add_argument(
            "--axe",
            default="",
            help="pour une maquette : l'axe (code) des actions nouvelles qui n'en disent pas",
        )

    def handle(
        self,
        *args,
        fichier,
        source,
        departement,
        dry_run,
        report,
        valides_seulement,
        colonnes,
        date_document,
        **options,
    ):
        chemin = Path(fichier)
        contenu = lire_fichier(chemin)
        if source == "maquette":
            return self._maquette(chemin, contenu, options, dry_run, report, valides_seulement)
        dep = None
        if departement:
            dep = Departement.objects.filter(code=departement.upper()).first()
            if dep is None:
                raise CommandError(f"Département inconnu : « {departement} ».")
        try:
            jour = date.fromisoformat(date_document) if date_document else None
        except ValueError as erreur:
            raise CommandError(f"--date-document : « {date_document} » ; écrivez AAAA-MM-JJ.") from erreur
        try:
            correspondance = json.loads(colonnes) if colonnes else None
        except json.JSONDecodeError as erreur:
            raise CommandError(
                '--colonnes : JSON illisible. Écrivez par exemple --colonnes \'{"Commune": "commune"}\'.'
            ) from erreur
        try:
            if source == "tableur" and not correspondance:
                self._proposer_colonnes(fichier, contenu, chemin.name, dep)
            if dry_run:
                plan = apercu(
                    contenu,
                    chemin.name,
                    source,
                    departement=dep,
                    correspondance=correspondance,
                    date_document=jour,
                )
            else:
                plan = tableau_importer(
                    contenu,
                    chemin.name,
                    source,
                    departement=dep,
                    correspondance=correspondance,
                    valides_seulement=valides_seulement,
                    trace=TRACE_IMPORT,
                    date_document=jour,
                    progression=ProgressionTerminal(self.stderr, settings.PVD_IMPORT_LIGNES_TACHE),
                )
        except FichierIllisible as erreur:
            raise CommandError(str(erreur)) from erreur
        except ImportRefuse as erreur:
            if erreur.plan is None:
                raise CommandError(str(erreur)) from erreur
            if report:
                ecrire_fichier(report, fichier_compte_rendu(erreur.plan))
            self.stderr.write(resume(erreur.plan, ecrit=False))  # chaque ligne refusée, une fois
            raise CommandError(erreur.message) from erreur
        if report:
            ecrire_fichier(report, fichier_compte_rendu(plan))
        self.stdout.write(resume(plan, ecrit=not dry_run))

    def _proposer_colonnes(self, fichier, contenu, nom, departement) -> None:
        """Sans `--colonnes`, un tableur n'est pas importé : on propose la correspondance, comme le site."""
        titres = colonnes_du_fichier(contenu, nom, "tableur")
        correspondance, origine = correspondance_proposee(titres, departement)
        self.stdout.write(proposition_de_colonnes(fichier, titres, correspondance, origine))
        raise CommandError(
            "Pour un tableur, indiquez quelle colonne donne quel champ avec --colonnes (au moins la commune) : "
            "rien n'a été importé.",
            returncode=2,
        )

    def _maquette(self, chemin, contenu, options, dry_run, report, valides_seulement) -> None:
        """Une maquette financière, dans le plan d'action d'une convention-cadre (`imports.maquette`)."""
        convention = Convention.objects.filter(pk=options.get("convention") or 0).first()
        if convention is None:
            raise CommandError(
                "--convention : indiquez le numéro de la convention-cadre dont la maquette est le plan d'action "
                "(celui de son adresse, /conventions/NUMÉRO/)."
            )
        axe = None
        if options.get("axe"):
            axe = Axe.objects.filter(code=options["axe"]).first()
            if axe is None:
                codes = ", ".join(Axe.objects.values_list("code", flat=True))
                raise CommandError(f"--axe : « {options['axe']} » inconnu ; axes : {codes}.")
        try:
            if dry_run:
                plan = maquette_apercu(contenu, chemin.name, convention=convention, axe_par_defaut=axe)
            else:
                plan = maquette_importer(
                    contenu,
                    chemin.name,
                    convention=convention,
                    trace=TRACE_IMPORT,
                    axe_par_defaut=axe,
                    valides_seulement=valides_seulement,
                )
        except FichierIllisible as erreur:
            raise CommandError(str(erreur)) from erreur
        except ImportRefuse as erreur:
            if erreur.plan is None:
                raise CommandError(str(erreur)) from erreur
            if report:
                ecrire_fichier(report, fichier_compte_rendu(erreur.plan))
            self.stderr.write(resume(erreur.plan, ecrit=False))
            raise CommandError(erreur.message) from erreur
        if report:
            ecrire_fichier(report, fichier_compte_rendu(plan))
        self.stdout.write(resume(plan, ecrit=not dry_run))
