import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pvd.cli import ecrire_fichier, lire_fichier
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.lots import resoudre_fichier
from pvd.territoires.progression import Progression
from pvd.territoires.rapport import accorder
from pvd.territoires.resolution import resoudre


class Command(BaseCommand):
    help = "Dit quelle commune ou quel EPCI un nom désigne, et pourquoi ; ou résout un fichier CSV ligne à ligne."

    def add_arguments(self, parser):
        parser.add_argument(
            "nom", nargs="?", help="le nom à résoudre (« Puy l'évêque », « Cauvaldor », « 46231 »)"
        )
        parser.add_argument("--departement", default="", help="code du département (contexte)")
        parser.add_argument("--epci", default="", help="SIREN de l'EPCI (contexte)")
        parser.add_argument("--code-postal", default="", help="code postal (contexte)")
        parser.add_argument("--type", choices=["commune", "epci"], default=None, help="type attendu")
        parser.add_argument("--format", choices=["texte", "json"], default="texte")
        parser.add_argument(
            "--file", help="CSV d'entrée : colonne nom, et departement, epci, type facultatives"
        )
        parser.add_argument("--output", help="CSV de sortie (avec --file)")

    def handle(self, *args, nom, file, output, **options):
        if file:
            if not output:
                raise CommandError("Avec --file, indiquez aussi --output SORTIE.csv.")
            self._fichier(Path(file), Path(output))
            return
        if not nom:
            raise CommandError('Indiquez un nom (pvd resolve "Puy l\'évêque") ou un fichier (--file).')
        resultat = resoudre(
            nom,
            type=options["type"],
            departement=options["departement"],
            epci=options["epci"],
            code_postal=options["code_postal"],
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(resultat.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(decrire(resultat))

    def _fichier(self, entree: Path, sortie: Path) -> None:
        contenu = lire_fichier(entree)
        if not sortie.parent.is_dir():
            raise CommandError(
                f"{sortie} : le dossier {sortie.parent} n'existe pas. Créez-le ou choisissez un autre chemin."
            )
        barre = Progression(1, "Résolution", self.stderr._out)
        try:
            comptes, resultat = resoudre_fichier(contenu, entree.name, barre)
        except FichierIllisible as erreur:
            raise CommandError(str(erreur)) from erreur
        finally:
            barre.terminer()
        ecrire_fichier(sortie, resultat)
        self.stdout.write(
            f"{accorder(comptes['total'], 'ligne lue', 'lignes lues')} : {accorder(comptes['resolu'], 'résolue')}, "
            f"{accorder(comptes['ambigu'], 'ambiguë')}, {accorder(comptes['introuvable'], 'introuvable')}. "
            f"Résultat écrit dans {sortie}."
        )


STATUTS = {"resolu": "Résolu", "ambigu": "Ambigu", "introuvable": "Introuvable"}


def decrire(resultat) -> str:
    lignes = [f"« {resultat.texte} » : {STATUTS[resultat.statut]}"]
    if resultat.resultat:
        r = resultat.resultat
        genre = "commune" if r.type == "commune" else "EPCI"
        lignes.append(f"  → {genre} {r.nom} ({r.code}), département {r.departement}")
        lignes.append(f"  raison : {r.explication} (score {r.score:g})")
    else:
        lignes.append(f"  {resultat.message}")
        for c in resultat.candidats:
            lignes.append(f"  - {c.nom} ({c.code}), département {c.departement} : {c.explication}")
    return "\n".join(lignes)
