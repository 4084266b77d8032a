"""Lire un CSV écrit par un humain : encodage et séparateur devinés, erreurs dites en français avec la ligne."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

SEPARATEURS = [";", ",", "\t"]


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu ; le message dit lequel, où, et quoi faire."""


@dataclass
class TableCsv:
    colonnes: list[str]
    lignes: list[dict[str, str]]
    separateur: str
    encodage: str


def decoder(contenu: bytes, nom_fichier: str) -> tuple[str, str]:
    """UTF-8 (avec ou sans BOM), sinon Windows-1252 ; jamais de remplacement silencieux de caractères."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        return contenu[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return contenu.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as erreur:
        ligne = contenu[: erreur.start].count(b"\n") + 1
        raise FichierIllisible(
            f"{nom_fichier}, ligne {ligne} : encodage inconnu (ni UTF-8 ni Windows-1252). "
            "Enregistrez le fichier en « CSV UTF-8 » depuis votre tableur."
        ) from erreur


def deviner_separateur(premiere_ligne: str) -> str:
    comptes = {s: premiere_ligne.count(s) for s in SEPARATEURS}
    meilleur = max(comptes, key=comptes.get)
    return meilleur if comptes[meilleur] else ","


def lire_csv(contenu: bytes, nom_fichier: str, colonnes_requises: tuple[str, ...] = ()) -> TableCsv:
    texte, encodage = decoder(contenu, nom_fichier)
    if "\x00" in texte:
        raise FichierIllisible(
            f"{nom_fichier} : ce n'est pas un fichier texte CSV (octets nuls). "
            "Exportez la feuille au format CSV depuis votre tableur."
        )
    lignes_brutes = texte.splitlines()
    premiere = next((ligne for ligne in lignes_brutes if ligne.strip()), "")
    if not premiere:
        raise FichierIllisible(f"{nom_fichier} : le fichier est vide. Il faut au moins une ligne d'en-tête.")
    separateur = deviner_separateur(premiere)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    rangees = []
    try:
        for rangee in lecteur:
            rangees.append(rangee)
    except csv.Error as erreur:
        ligne = len(rangees) + 1
        raise FichierIllisible(
            f"{nom_fichier}, ligne {ligne} : guillemet non fermé ou mal placé. Vérifiez les guillemets de cette "
            "ligne (une cellule qui contient le séparateur doit être entourée de guillemets droits)."
        ) from erreur
    while rangees and not any(cellule.strip() for cellule in rangees[0]):
        rangees.pop(0)
    entete = [cellule.strip().lstrip("\ufeff") for cellule in rangees[0]]
    manquantes = [c for c in colonnes_requises if c not in entete]
    if manquantes:
        raise FichierIllisible(
            f"{nom_fichier}, ligne 1 : colonne obligatoire absente : {', '.join(manquantes)}. "
            f"Colonnes trouvées : {', '.join(entete) or 'aucune'} (séparateur « {separateur} »)."
        )
    lignes = []
    for numero, rangee in enumerate(rangees[1:], start=2):
        if not any(cellule.strip() for cellule in rangee):
            continue
        if len(rangee) > len(entete) and any(c.strip() for c in rangee[len(entete) :]):
            raise FichierIllisible(
                f"{nom_fichier}, ligne {numero} : {len(rangee)} cellules pour {len(entete)} colonnes. "
                "Un séparateur ou un guillemet est sans doute en trop sur cette ligne."
            )
        valeurs = rangee + [""] * (len(entete) - len(rangee))
        lignes.append(dict(zip(entete, valeurs, strict=False)))
    return TableCsv(entete, lignes, separateur, encodage)
