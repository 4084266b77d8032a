"""Résolution d'un fichier de noms : une ligne de sortie par ligne d'entrée, dans le même ordre.

La sortie est un CSV en UTF-8 avec BOM (Excel le lit alors correctement, accents compris), avec le séparateur de
l'entrée ; une cellule qui commencerait par `=`, `+`, `-`, `@` est neutralisée comme dans les exports de données
(préfixe `'`), pour qu'un tableur ne l'exécute jamais comme une formule.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from .fichiers import FichierIllisible, lire_csv, neutraliser
from .resolution import obtenir_index

COLONNES_AJOUTEES = ["code", "nom_officiel", "statut", "score", "raison", "candidats"]
TYPES_ACCEPTES = {"": None, "commune": "commune", "epci": "epci"}


def resoudre_fichier(contenu: bytes, nom_fichier: str, progression=None) -> tuple[Counter, bytes]:
    """Lit `contenu` (CSV : nom ; departement, epci, type facultatifs) ; rend les comptes et le CSV de sortie."""
    table = lire_csv(contenu, nom_fichier, colonnes_requises=("nom",))

    for numero, ligne in enumerate(table.lignes, start=2):
        type_ = (ligne.get("type") or "").strip().lower()
        if type_ not in TYPES_ACCEPTES:
            raise FichierIllisible(
                f"{nom_fichier}, ligne {numero}, colonne type : « {type_} » n'est pas un type connu. "
                "Écrivez « commune », « epci » ou laissez vide."
            )
    index = obtenir_index()
    comptes: Counter = Counter()
    if progression:
        progression.total = max(len(table.lignes), 1)
    colonnes = table.colonnes + [c for c in COLONNES_AJOUTEES if c not in table.colonnes]
    fichier = io.StringIO(newline="")
    ecrivain = csv.DictWriter(fichier, fieldnames=colonnes, delimiter=table.separateur, extrasaction="ignore")
    ecrivain.writerow({colonne: neutraliser(colonne) for colonne in colonnes})
    for ligne in table.lignes:
        r = index.resoudre(
            ligne["nom"],
            TYPES_ACCEPTES[(ligne.get("type") or "").strip().lower()],
            departement=ligne.get("departement", ""),
            epci=ligne.get("epci", ""),
        )
        comptes[r.statut] += 1
        comptes["total"] += 1
        sortie = {
            **ligne,
            "code": r.code,
            "nom_officiel": r.resultat.nom if r.resultat else "",
            "statut": r.statut,
            "score": f"{r.resultat.score:g}" if r.resultat else "",
            "raison": r.resultat.explication if r.resultat else r.message,
            "candidats": " | ".join(c.libelle() for c in r.candidats if not r.resultat),
        }
        ecrivain.writerow(
            {cle: neutraliser(valeur or "") for cle, valeur in sortie.items() if cle is not None}
        )
        if progression:
            progression.avancer()
    return comptes, fichier.getvalue().encode("utf-8-sig")
