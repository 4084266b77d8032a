"""La commande `pvd` : toutes les tâches qu'une personne lance à la main.

`pvd <commande> …` exécute la commande de gestion Django du même nom avec les réglages de PVD ; `pvd demo` se
place en mode démonstration avant de charger les réglages.
"""

import errno
import os
import sys
from pathlib import Path

from django.core.management.base import CommandError

# `pvd check` contrôle le registre ; avec une option du contrôle système de Django, c'est ce dernier qui répond.
OPTIONS_CONTROLE_SYSTEME = ("--deploy", "--tag", "-t", "--list-tags", "--fail-level", "--database")

PVD_COMMANDS = [
    (
        "demo [--no-serve]",
        "installe la base, charge le référentiel et les données, sert http://127.0.0.1:8000 (et les travaux longs)",
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
        "export laureats|ort|conventions|fiches_actions|lignes_financement|subventions_scdl|projets|geojson "
        "--format csv|xlsx --output FICHIER",
        "produit un jeu de données ouvertes et son schéma",
    ),
    (
        "check [--departement 46] [--au AAAA-MM-JJ]",
        "retards et incohérences du registre (code 1 si incohérence, 2 si demande invalide)",
    ),
    (
        "identifiants contestes|attribuer|ecarter [--commune INSEE --identifiant ID]",
        "liste et tranche les identifiants nationaux contestés (équipe nationale)",
    ),
    ("users create|list|disable|token", "gère les comptes, leurs rôles et périmètres, et les jetons d'API"),
    (
        "import FICHIER --source anct-pvd|anct-acv|ort|tableur|maquette",
        "importe un fichier : aperçu, puis écriture d'un bloc",
    ),
    ("lire-communique FICHIER [--departement 46]", "propose ce qu'annonce un communiqué de presse"),
    ("backup --output DOSSIER", "sauvegarde la base et les fichiers déposés"),
    ("restore ARCHIVE --database CIBLE", "restaure une sauvegarde dans une base neuve"),
    ("securite purger [--jours 400]", "efface le journal de sécurité au-delà de N jours"),
    ("serve", "sert le site en production avec gunicorn (réglages : PVD_BIND, PVD_WORKERS…)"),
    (
        "worker [--batch]",
        "exécute les travaux longs mis en file par le site (gros imports, exports nationaux, lots d'annexes)",
    ),
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


def lire_fichier(chemin: str | Path) -> bytes:
    """Le contenu d'un fichier donné en argument ; s'il manque ou ne se lit pas, une erreur en français."""
    chemin = Path(chemin)
    try:
        return chemin.read_bytes()
    except OSError as erreur:
        raise CommandError(message_fichier(chemin, erreur, lecture=True)) from erreur


def ecrire_fichier(chemin: str | Path, contenu: bytes) -> None:
    """Écrit un fichier de sortie ; un dossier absent ou interdit reçoit une erreur en français."""
    chemin = Path(chemin)
    try:
        chemin.write_bytes(contenu)
    except OSError as erreur:
        raise CommandError(message_fichier(chemin, erreur, lecture=False)) from erreur


RAISONS_SYSTEME = {
    errno.ENOENT: "chemin introuvable",
    errno.EACCES: "droit refusé",
    errno.EPERM: "droit refusé",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "disque en lecture seule",
}


def raison_systeme(erreur: OSError) -> str:
    """La cause d'une erreur de fichier, en français (le message du système est en anglais)."""
    return RAISONS_SYSTEME.get(erreur.errno, f"erreur système n° {erreur.errno}")


def message_fichier(chemin: Path, erreur: OSError, *, lecture: bool) -> str:
    if erreur.errno == errno.ENOENT and lecture:
        return f"{chemin} : fichier introuvable. Vérifiez le chemin (dossier courant : {Path.cwd()})."
    if erreur.errno == errno.ENOENT:
        return f"{chemin} : le dossier {chemin.parent} n'existe pas. Créez-le ou choisissez un autre chemin."
    if erreur.errno == errno.EISDIR:
        return f"{chemin} est un dossier : indiquez un fichier."
    if erreur.errno in {errno.EACCES, errno.EPERM}:
        action = "lire" if lecture else "écrire"
        return f"{chemin} : vous n'avez pas le droit de {action} ce fichier. Vérifiez ses droits ou changez de chemin."
    action = "lu" if lecture else "écrit"
    return f"{chemin} : le fichier n'a pas pu être {action} ({raison_systeme(erreur)})."


def _erreurs_en_francais() -> None:
    """Django écrit « CommandError: … » quand une commande échoue ; `pvd` écrit « Erreur : … ».

    Seule la commande lancée depuis le terminal est concernée : une commande appelée par une autre (`call_command`)
    lève toujours son erreur, que l'appelante peut rattraper.
    """
    from django.core.management.base import BaseCommand, SystemCheckError

    if getattr(BaseCommand, "_pvd_erreurs_en_francais", False):
        return
    execute = BaseCommand.execute
    run_from_argv = BaseCommand.run_from_argv

    def executer(self, *args, **options):
        if not getattr(self, "_pvd_terminal", False) or options.get("traceback"):
            return execute(self, *args, **options)
        self._pvd_terminal = False
        try:
            return execute(self, *args, **options)
        except SystemCheckError:
            raise
        except CommandError as erreur:
            self.stderr.write(f"Erreur : {erreur}")
            sys.exit(erreur.returncode)

    def lancer(self, argv):
        self._pvd_terminal = True
        return run_from_argv(self, argv)

    BaseCommand.execute = executer
    BaseCommand.run_from_argv = lancer
    BaseCommand._pvd_erreurs_en_francais = True


ARGPARSE_FRANCAIS = {
    "usage: ": "usage : ",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "option %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires absents : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "valeur %(value)r inconnue (choisissez parmi %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut désigner %(matches)s",
    "one of the arguments %s is required": "l'une de ces options est obligatoire : %s",
    "not allowed with argument %s": "incompatible avec l'option %s",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide",
}


def _argparse_en_francais() -> None:
    """Les erreurs de la ligne de commande (option manquante, valeur inconnue) en français : argparse passe chacun
    de ses messages par `gettext`, sans catalogue français dans Python."""
    import argparse

    argparse._ = lambda message: ARGPARSE_FRANCAIS.get(message, message)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "aide"}:
        print(usage())
        return
    if args[0] == "demo":
        os.environ.setdefault("PVD_ENV", "demo")
    if args[0] == "check" and not any(a.startswith(OPTIONS_CONTROLE_SYSTEME) for a in args[1:]):
        args[0] = "controle"
    if args[0] == "runserver":
        args[0] = "serveur"  # le serveur de développement de Django, qui parle français
    args[0] = args[0].replace("-", "_")  # `pvd lire-communique` : commande lire_communique
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pvd.config.settings.base")
    import django
    from django.core.management import execute_from_command_line, get_commands

    _erreurs_en_francais()
    _argparse_en_francais()
    try:
        django.setup()
    except Exception:  # réglages invalides (production sans clé…) : Django le dit lui-même, plus bas
        pass
    else:
        if (
            args[0] not in get_commands()
            and args[0] not in {"help", "version"}
            and not args[0].startswith("-")
        ):
            sys.stderr.write(
                f"Erreur : commande inconnue « {args[0]} ». `pvd` sans argument liste les commandes.\n"
            )
            sys.exit(2)
    execute_from_command_line(["pvd", *args])


if __name__ == "__main__":
    main()
