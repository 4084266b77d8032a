"""Résolution d'un fichier de noms : une ligne de sortie par ligne d'entrée, dans le même ordre."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from .fichiers import FichierIllisible, lire_csv
from .resolution import obtenir_index

COLONNES_AJOUTEES = ["code", "nom_officiel", "statut", "score", "raison", "candidats"]
TYPES_ACCEPTES = {"": None, "commune": "commune", "epci": "epci"}


def resoudre_fichier(contenu: bytes, nom_fichier: str, sortie: Path, progression=None) -> Counter:
    """Lit `contenu` (CSV : nom ; departement, epci, type facultatifs), écrit `sortie` ; rend les comptes."""
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
    with sortie.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.DictWriter(
            fichier, fieldnames=colonnes, delimiter=table.separateur, extrasaction="ignore"
        )
        ecrivain.writeheader()
        for ligne in table.lignes:
            r = index.resoudre(
                ligne["nom"],
                TYPES_ACCEPTES[(ligne.get("type") or "").strip().lower()],
                departement=ligne.get("departement", ""),
                epci=ligne.get("epci", ""),
            )
            comptes[r.statut] += 1
            comptes["total"] += 1
            ecrivain.writerow(
                {
                    **ligne,
                    "code": r.code,
                    "nom_officiel": r.resultat.nom if r.resultat else "",
                    "statut": r.statut,
                    "score": f"{r.resultat.score:g}" if r.resultat else "",
                    "raison": r.resultat.explication if r.resultat else r.message,
                    "candidats": " | ".join(c.libelle() for c in r.candidats if not r.resultat),
                }
            )
            if progression:
                progression.avancer()
    return comptes
