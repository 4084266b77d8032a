"""Lire un fichier délimité (CSV) écrit par un humain : le seul lecteur de CSV du projet.

`pvd resolve --file` (par `lire_csv`) et les imports (par `imports.lecture.lire_tableau`) lisent tous deux leurs
CSV par `lire_delimite` : un même fichier s'y découpe de la même façon.
- encodage : UTF-8 (avec ou sans BOM), sinon Windows-1252 ; jamais de remplacement silencieux de caractères ; un
  fichier en UTF-16 (« Texte Unicode » d'Excel : BOM, ou un octet nul sur deux) est refusé en le disant ;
- séparateur : `;`, `,` ou tabulation, celui qui découpe le plus de premières lignes en un même nombre de cellules
  (`deviner_separateur`) ;
- cellules écrites : `neutraliser` préfixe d'une apostrophe ce qu'un tableur exécuterait comme une formule (`=`,
  `+`, `-`, `@`, tabulation, retour chariot) ; `restaurer` l'ôte à la relecture de nos propres fichiers ;
- erreurs : `FichierIllisible`, avec un message en français qui dit le fichier, la ligne et quoi faire.
Il vit au plus bas (le référentiel), pour que chaque couche au-dessus puisse s'en servir.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

SEPARATEURS = [";", ",", "\t"]
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
LIGNES_ENTETE_MAX = 30


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu ; le message dit lequel, où, et quoi faire."""


@dataclass
class Delimite:
    rangees: list[list[str]]
    separateur: str
    encodage: str


@dataclass
class TableCsv:
    colonnes: list[str]
    lignes: list[dict[str, str]]
    separateur: str
    encodage: str


def neutraliser(valeur: str) -> str:
    return "'" + valeur if valeur.startswith(DEBUTS_DE_FORMULE) else valeur


def restaurer(valeur: str) -> str:
    """L'inverse de `neutraliser`, pour relire nos propres fichiers."""
    return valeur[1:] if valeur.startswith("'") and valeur[1:].startswith(DEBUTS_DE_FORMULE) else valeur


def _en_utf16(contenu: bytes) -> bool:
    """Un BOM UTF-16 (pas UTF-32), ou, sans BOM, un octet nul sur deux au début du fichier : en UTF-16, les
    lettres latines (accents compris) ont un octet de poids fort nul."""
    if contenu[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return False
    if contenu[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    debut = contenu[:2000]
    pairs, impairs = debut[0::2], debut[1::2]
    if len(impairs) < 2:
        return False
    return any(
        nuls.count(0) >= 0.8 * len(nuls) and autres.count(0) <= 0.05 * len(autres)
        for nuls, autres in ((impairs, pairs), (pairs, impairs))
    )


def decoder(contenu: bytes, nom_fichier: str) -> tuple[str, str]:
    """UTF-8 (avec ou sans BOM), sinon Windows-1252 ; jamais de remplacement silencieux de caractères."""
    if _en_utf16(contenu):
        raise FichierIllisible(
            f"{nom_fichier} : le fichier est en UTF-16 ; enregistrez-le en UTF-8 (CSV UTF-8) depuis votre "
            "tableur (« Enregistrer sous », type « CSV UTF-8 »)."
        )
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


def deviner_separateur(texte: str) -> str:
    """Le séparateur qui découpe le plus de premières lignes non vides en un même nombre de cellules (au moins
    deux), lu comme CSV (un séparateur entre guillemets ne compte pas) ; la virgule s'il n'y en a aucun.

    Ni la seule première ligne (un titre peut précéder l'en-tête), ni le plus grand nombre d'occurrences sur une
    ligne (une cellule « préfet du Lot ; maire de Gramat » ferait prendre le point-virgule pour séparateur d'un
    fichier à virgules)."""
    premieres = [ligne for ligne in texte.splitlines()[:LIGNES_ENTETE_MAX] if ligne.strip()]
    meilleur, score_max = ",", (0, 0)
    for separateur in SEPARATEURS:
        largeurs = Counter(len(r) for r in csv.reader(premieres, delimiter=separateur) if len(r) > 1)
        if not largeurs:
            continue
        largeur, lignes = max(largeurs.items(), key=lambda paire: (paire[1], paire[0]))
        if (lignes, largeur) > score_max:
            meilleur, score_max = separateur, (lignes, largeur)
    return meilleur


def lire_delimite(contenu: bytes, nom_fichier: str) -> Delimite:
    """Les rangées du fichier, cellules en texte, telles qu'écrites (lignes vides comprises)."""
    texte, encodage = decoder(contenu, nom_fichier)
    if "\x00" in texte:
        raise FichierIllisible(
            f"{nom_fichier} : ce n'est pas un fichier texte CSV (octets nuls). "
            "Exportez la feuille au format CSV depuis votre tableur."
        )
    separateur = deviner_separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    rangees = []
    try:
        for rangee in lecteur:
            rangees.append(rangee)
    except csv.Error as erreur:
        raise FichierIllisible(
            f"{nom_fichier}, ligne {len(rangees) + 1} : guillemet non fermé ou mal placé. Vérifiez les guillemets "
            "de cette ligne (une cellule qui contient le séparateur doit être entourée de guillemets droits)."
        ) from erreur
    return Delimite(rangees, separateur, encodage)


def _vide(rangee: list[str]) -> bool:
    return not any(cellule.strip() for cellule in rangee)


def lire_csv(contenu: bytes, nom_fichier: str, colonnes_requises: tuple[str, ...] = ()) -> TableCsv:
    """Une ligne d'en-tête puis des lignes, en dictionnaires. L'en-tête est la première ligne non vide ou, si des
    colonnes sont requises, la première des premières lignes qui les porte toutes (un titre peut la précéder)."""
    delimite = lire_delimite(contenu, nom_fichier)
    rangees = delimite.rangees
    non_vides = [i for i, rangee in enumerate(rangees) if not _vide(rangee)]
    if not non_vides:
        raise FichierIllisible(f"{nom_fichier} : le fichier est vide. Il faut au moins une ligne d'en-tête.")

    def entete_de(i: int) -> list[str]:
        return [cellule.strip().lstrip("\ufeff") for cellule in rangees[i]]

    debut = next(
        (i for i in non_vides[:LIGNES_ENTETE_MAX] if all(c in entete_de(i) for c in colonnes_requises)),
        None,
    )
    if debut is None:
        premiere = non_vides[0]
        entete = entete_de(premiere)
        manquantes = [c for c in colonnes_requises if c not in entete]
        raise FichierIllisible(
            f"{nom_fichier}, ligne {premiere + 1} : colonne obligatoire absente : {', '.join(manquantes)}. "
            f"Colonnes trouvées : {', '.join(entete) or 'aucune'} (séparateur « {delimite.separateur} »)."
        )
    entete = entete_de(debut)
    lignes = []
    for numero, rangee in enumerate(rangees[debut + 1 :], start=debut + 2):
        if _vide(rangee):
            continue
        if len(rangee) > len(entete) and any(c.strip() for c in rangee[len(entete) :]):
            raise FichierIllisible(
                f"{nom_fichier}, ligne {numero} : {len(rangee)} cellules pour {len(entete)} colonnes. "
                "Un séparateur ou un guillemet est sans doute en trop sur cette ligne."
            )
        valeurs = rangee + [""] * (len(entete) - len(rangee))
        lignes.append(dict(zip(entete, valeurs, strict=False)))
    return TableCsv(entete, lignes, delimite.separateur, delimite.encodage)
