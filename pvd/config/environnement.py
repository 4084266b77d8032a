"""Le fichier d'environnement local : ce qui fait d'une machine une machine de démonstration, sans rien exporter.

`pvd demo` écrit `local.env` dans le dossier de données (`PVD_DATA_DIR`, par défaut `~/.local/share/pvd`) avec
`PVD_ENV=demo` ; les réglages le lisent au démarrage. Ainsi, après `make demo`, toute commande `pvd` lancée dans un
nouveau terminal sert la même base, en mode démonstration. Un serveur de production n'a pas ce fichier : sans
`PVD_SECRET_KEY`, il refuse toujours de démarrer. Une variable d'environnement déjà posée l'emporte toujours sur le
fichier (voir l'ADR 0008).
"""

import os
from pathlib import Path

NOM_FICHIER = "local.env"


def lire(chemin: Path) -> dict[str, str]:
    """Les lignes `NOM=valeur` du fichier (commentaires `#` et lignes vides ignorés) ; {} s'il n'existe pas."""
    if not chemin.is_file():
        return {}
    valeurs = {}
    for ligne in chemin.read_text(encoding="utf-8").splitlines():
        ligne = ligne.strip()
        if not ligne or ligne.startswith("#") or "=" not in ligne:
            continue
        nom, valeur = ligne.split("=", 1)
        valeurs[nom.strip()] = valeur.strip().strip("\"'")
    return valeurs


def appliquer(chemin: Path) -> None:
    """Pose les variables du fichier qui ne sont pas déjà dans l'environnement."""
    for nom, valeur in lire(chemin).items():
        os.environ.setdefault(nom, valeur)


def ecrire_mode_demo(chemin: Path) -> bool:
    """Écrit `PVD_ENV=demo` dans le fichier s'il n'y est pas déjà ; renvoie True s'il a été écrit."""
    valeurs = lire(chemin)
    if valeurs.get("PVD_ENV") == "demo":
        return False
    chemin.parent.mkdir(parents=True, exist_ok=True)
    lignes = [
        "# Écrit par `pvd demo` : cette machine est une machine de démonstration.",
        "# Les variables d'environnement l'emportent sur ce fichier ; supprimez-le pour revenir au mode production.",
        "PVD_ENV=demo",
        *(f"{nom}={valeur}" for nom, valeur in valeurs.items() if nom != "PVD_ENV"),
    ]
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    return True
