"""La commande `pvd` : toutes les tâches qu'une personne lance à la main.

`pvd <commande> …` exécute la commande de gestion Django du même nom avec les réglages de PVD ; `pvd demo` se
place en mode démonstration avant de charger les réglages.
"""

import os
import sys

# `pvd check` contrôle le registre ; avec une option du contrôle système de Django, c'est ce dernier qui répond.
OPTIONS_CONTROLE_SYSTEME = ("--deploy", "--tag", "-t", "--list-tags", "--fail-level", "--database")

PVD_COMMANDS = [
    (
        "demo [--no-serve]",
        "installe la base, charge le référentiel et les données, sert http://127.0.0.1:8000",
    ),
    ("territoires import", "charge (ou met à jour) le référentiel COG 2026 et son historique 2021"),
    (
        'resolve "Puy l\'évêque" [--departement 46]',
        "dit quelle commune ou quel EPCI un nom désigne, et pourquoi",
    ),
    ("resolve --file ENTREE.csv --output SORTIE.csv", "résout un fichier de noms, ligne par ligne"),
    ("alias add|list|remove", "gère les noms d'usage (« Cauvaldor ») des communes et EPCI"),
    (
        "communique --departement 46 --date AAAA-MM-JJ --format md|docx|pdf|odt --output FICHIER",
        "écrit le communiqué de presse des signatures du jour",
    ),
    (
        "export laureats|ort|conventions|geojson --format csv|xlsx --output FICHIER",
        "produit un jeu de données ouvertes et son schéma",
    ),
    (
        "check [--departement 46] [--au AAAA-MM-JJ]",
        "retards et incohérences du registre (code 1 si incohérence)",
    ),
    (
        "identifiants contestes|attribuer|ecarter [--commune INSEE --identifiant ID]",
        "liste et tranche les identifiants nationaux contestés (équipe nationale)",
    ),
    ("users create|list|disable|token", "gère les comptes, leurs rôles et périmètres, et les jetons d'API"),
    (
        "import FICHIER --source anct-pvd|anct-acv|ort|tableur",
        "importe un fichier : aperçu, puis écriture d'un bloc",
    ),
    ("lire-communique FICHIER [--departement 46]", "propose ce qu'annonce un communiqué de presse"),
    ("backup --output DOSSIER", "sauvegarde la base et les fichiers déposés"),
    ("restore ARCHIVE --database CIBLE", "restaure une sauvegarde dans une base neuve"),
    ("securite purger [--jours 400]", "efface le journal de sécurité au-delà de N jours"),
    ("runserver [ADRESSE:PORT]", "sert le site (développement)"),
    ("migrate", "crée ou met à jour les tables de la base"),
    ("createsuperuser", "crée un compte d'administration"),
]


def usage() -> str:
    lines = ["Usage : pvd <commande> [options]", "", "Commandes de PVD :"]
    for name, text in PVD_COMMANDS:
        lines += [f"  pvd {name}", f"      {text}"]
    lines += ["", "Aide d'une commande : pvd <commande> --help. Toutes les commandes : pvd help."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "aide"}:
        print(usage())
        return
    if args[0] == "demo":
        os.environ.setdefault("PVD_ENV", "demo")
    if args[0] == "check" and not any(a.startswith(OPTIONS_CONTROLE_SYSTEME) for a in args[1:]):
        args[0] = "controle"
    args[0] = args[0].replace("-", "_")  # `pvd lire-communique` : commande lire_communique
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pvd.config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pvd", *args])


if __name__ == "__main__":
    main()
