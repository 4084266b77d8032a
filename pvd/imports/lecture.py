"""Lire un tableau envoyé par quelqu'un : CSV, XLSX, XLS ou ODS, sans lui faire confiance.

- taille et nombre de lignes limités (`settings.PVD_TAILLE_MAX_FICHIER`, `LIGNES_MAX`), vérifiés avant que le fichier soit gardé ; une archive (XLSX, ODS) est examinée par son répertoire avant toute décompression : nombre de
  membres, taille déclarée, taux de compression (une « bombe » de 1 Mo qui déclare 400 Mo est refusée aussitôt) ;
- XLSX et ODS lus par python-calamine (Rust, sans exécuter aucune formule, sans interpréter de DTD) ; les cellules
  fusionnées reçoivent la valeur de leur cellule d'origine ; chaque cellule devient du texte, les dates restent des
  dates ;
- CSV : par le lecteur délimité du projet (`territoires.fichiers.lire_delimite`, le même que `pvd resolve
  --file`) : UTF-8 (avec ou sans BOM) ou Windows-1252, séparateur `;`, `,` ou tabulation, détectés ;
- la ligne d'en-tête peut ne pas être la première : on la cherche ;
- toute erreur devient `FichierIllisible`, avec un message en français qui dit le fichier, la ligne et quoi faire.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings

from pvd.config.tailles import en_mo
from pvd.territoires.fichiers import LIGNES_ENTETE_MAX, FichierIllisible, lire_delimite, restaurer

LIGNES_MAX = 50_000  # la liste nationale en compte 1 700, un tableur national de suivi 35 000
DECOMPRESSE_MAX = 200 * 1024 * 1024
MEMBRES_MAX = 5000
TAUX_MAX = 120


@dataclass
class Tableau:
    nom_fichier: str
    format: str
    lignes: list[list]  # cellules : str, ou date pour les dates des tableurs
    # les cellules fusionnées d'un tableur : ((ligne, colonne) de début, (ligne, colonne) de fin), à partir de 0
    fusions: list = field(default_factory=list)

    def texte(self, valeur) -> str:
        if valeur is None:
            return ""
        if isinstance(valeur, datetime):
            return valeur.date().isoformat() if valeur.time() == datetime.min.time() else valeur.isoformat()
        if isinstance(valeur, date):
            return valeur.isoformat()
        if isinstance(valeur, float) and valeur.is_integer():
            return str(int(valeur))
        return restaurer(str(valeur).strip())


def _verifier_archive(contenu: bytes, nom_fichier: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
    except zipfile.BadZipFile as erreur:
        raise FichierIllisible(
            f"{nom_fichier} : fichier tableur abîmé (archive illisible). Réenregistrez-le."
        ) from erreur
    membres = archive.infolist()
    if len(membres) > MEMBRES_MAX:
        raise FichierIllisible(
            f"{nom_fichier} : archive suspecte ({len(membres)} éléments) ; fichier refusé."
        )
    total = sum(m.file_size for m in membres)
    if total > DECOMPRESSE_MAX or any(
        m.compress_size and m.file_size / m.compress_size > TAUX_MAX and m.file_size > 1_000_000
        for m in membres
    ):
        raise FichierIllisible(
            f"{nom_fichier} : archive suspecte (elle se décompresserait en {total / 1e6:.0f} Mo) ; fichier refusé. "
            "Enregistrez la feuille en CSV si elle est vraiment si grande."
        )
    return archive


def _lire_tableur(contenu: bytes, nom_fichier: str, format: str) -> tuple[list[list], list]:
    import python_calamine

    try:
        classeur = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        feuille = classeur.get_sheet_by_index(0)
        lignes = [list(ligne) for ligne in feuille.to_python(skip_empty_area=False)]
        fusions = feuille.merged_cell_ranges or []
    except Exception as erreur:  # calamine signale ses erreurs par des exceptions variées
        raise FichierIllisible(
            f"{nom_fichier} : tableur illisible ({format.upper()}). Réenregistrez-le depuis votre tableur, ou en CSV."
        ) from erreur
    for (ligne_debut, col_debut), (ligne_fin, col_fin) in fusions:
        if ligne_debut >= len(lignes) or col_debut >= len(lignes[ligne_debut]):
            continue
        valeur = lignes[ligne_debut][col_debut]
        for i in range(ligne_debut, min(ligne_fin, len(lignes) - 1) + 1):
            for j in range(col_debut, min(col_fin, len(lignes[i]) - 1) + 1):
                if lignes[i][j] in ("", None):
                    lignes[i][j] = valeur
    return lignes, list(fusions)


def lire_tableau(contenu: bytes, nom_fichier: str) -> Tableau:
    if len(contenu) > (limite := settings.PVD_TAILLE_MAX_FICHIER):
        raise FichierIllisible(
            f"{nom_fichier} : {en_mo(len(contenu))}, au-delà de la limite de {en_mo(limite)}. "
            "Découpez le fichier."
        )
    if not contenu.strip():
        raise FichierIllisible(f"{nom_fichier} : le fichier est vide.")
    fusions: list = []
    if contenu[:4] == b"PK\x03\x04":
        archive = _verifier_archive(contenu, nom_fichier)
        noms = set(archive.namelist())
        if "xl/workbook.xml" in noms:
            format = "xlsx"
        elif "content.xml" in noms:
            format = "ods"
        else:
            raise FichierIllisible(
                f"{nom_fichier} : archive qui n'est ni un classeur XLSX ni un classeur ODS."
            )
        lignes, fusions = _lire_tableur(contenu, nom_fichier, format)
    elif contenu[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        format = "xls"
        lignes, fusions = _lire_tableur(contenu, nom_fichier, format)
    else:
        format = "csv"
        lignes = lire_delimite(contenu, nom_fichier).rangees
    _verifier_lignes(lignes, nom_fichier)
    tableau = Tableau(nom_fichier, format, [], fusions)
    tableau.lignes = [[tableau.texte(c) if not isinstance(c, date) else c for c in ligne] for ligne in lignes]
    return tableau


def _verifier_lignes(lignes: list[list], nom_fichier: str) -> None:
    """Au-delà de `LIGNES_MAX` lignes remplies, le fichier est refusé : l'aperçu et l'écriture restent bornés."""
    if len(lignes) <= LIGNES_MAX:
        return
    remplies = sum(1 for ligne in lignes if any(c not in ("", None) for c in ligne))
    if remplies > LIGNES_MAX:
        raise FichierIllisible(
            f"{nom_fichier} : {_nombre(remplies)} lignes remplies, au-delà de la limite de {_nombre(LIGNES_MAX)} "
            "lignes par import. Découpez le fichier (par département, par exemple) et importez chaque partie."
        )


def _nombre(n: int) -> str:
    """« 560 000 » : les milliers séparés par une espace fine insécable, à la française."""
    return f"{n:_}".replace("_", "\u202f")


def trouver_entete(tableau: Tableau, reconnaitre) -> int:
    """L'indice de la ligne d'en-tête : celle, parmi les premières, qui a le plus de colonnes reconnues."""
    meilleure, score_max = None, 0
    for i, ligne in enumerate(tableau.lignes[:LIGNES_ENTETE_MAX]):
        score = sum(1 for cellule in ligne if isinstance(cellule, str) and reconnaitre(cellule))
        if score > score_max:
            meilleure, score_max = i, score
    if meilleure is None:
        raise FichierIllisible(
            f"{tableau.nom_fichier} : aucune ligne d'en-tête reconnue dans les {LIGNES_ENTETE_MAX} premières lignes. "
            "Ajoutez une ligne de titres de colonnes."
        )
    return meilleure
