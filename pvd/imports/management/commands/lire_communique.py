import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pvd.cli import lire_fichier
from pvd.imports.communiques import lire_communique, texte_du_fichier
from pvd.territoires.fichiers import FichierIllisible


class Command(BaseCommand):
    help = "Lit un communiqué (.txt, .docx, .pdf) et propose ce qu'il annonce : conventions, communes, signataires."

    def add_arguments(self, parser):
        parser.add_argument("fichier")
        parser.add_argument("--departement", default="", help="département du communiqué (contexte)")
        parser.add_argument("--format", choices=["json", "texte"], default="json")

    def handle(self, *args, fichier, departement, format, **options):
        chemin = Path(fichier)
        contenu = lire_fichier(chemin)
        try:
            texte = texte_du_fichier(contenu, chemin.name)
        except FichierIllisible as erreur:
            raise CommandError(str(erreur)) from erreur
        proposition = lire_communique(texte, departement)
        if not proposition["conventions"]:
            self.stderr.write(
                f"{chemin.name} : aucune convention ni commune lauréate annoncée dans ce texte ; rien à proposer."
            )
        if format == "json":
            sortie = {
                **proposition,
                "conventions": [
                    {k: v for k, v in c.items() if k not in {"epci_nom", "libelle"}}
                    | {"communes": [{"texte": x["texte"], "insee": x["insee"]} for x in c["communes"]]}
                    for c in proposition["conventions"]
                ],
            }
            self.stdout.write(json.dumps(sortie, ensure_ascii=False, indent=2))
            return
        departement = proposition["departement"] or "non reconnu"
        self.stdout.write(f"Département : {departement} ; date : {proposition['date'] or 'non trouvée'}.")
        for c in proposition["conventions"]:
            communes = ", ".join(f"{x['texte']} ({x['insee']})" for x in c["communes"])
            self.stdout.write(
                f"- {c['libelle']} — {c['epci_nom'] or 'EPCI non nommé'} : {communes or 'aucune commune'}"
            )
