"""Reconnaître les colonnes d'un fichier d'import, et le catalogue des sources qui les nomment.

- `SOURCES` : chaque source connue (listes nationales de l'ANCT, suivi des ORT du ministère, tableur d'une
  préfecture), son programme et les titres de colonnes qu'elle emploie ;
- les colonnes de données personnelles de tiers (maire, courriel, téléphone…) sont écartées, même si on les nomme ;
- la ligne d'en-tête peut ne pas être la première (un titre la précède) : on la cherche ;
- pour un tableur, `proposer_correspondance` devine le champ de chaque colonne d'après son titre (l'utilisateur
  corrige, le site et `pvd import` la retiennent pour le département).
"""

from __future__ import annotations

import re

from pvd.territoires.normalisation import cle

from .lecture import Tableau, lire_tableau, trouver_entete

DONNEES_PERSONNELLES = re.compile(
    r"\b(maire|maires|elu|elue|elus|prenom|nom du maire|courriel|mail|e mail|email|telephone|tel|portable|mobile|"
    r"adresse electronique|contact)\b"
)
CHAMPS_TABLEUR = {
    "commune": "commune(s) : nom, ou plusieurs noms dans une même cellule",
    "code": "code INSEE de la commune",
    "epci": "intercommunalité",
    "type": "type de convention (adhésion, ORT, avenant)",
    "statut": "statut (signée, en cours…)",
    "date_signature": "date de signature",
    "date_prevue": "date de signature prévue",
    "duree": "durée (années)",
    "identifiant": "identifiant national",
    "date_selection": "date de sélection",
}
SOURCES = {
    "anct-pvd": {
        "programme": "pvd",
        "colonnes": {
            "insee_com": "code",
            "lib_com": "nom",
            "id_pvd": "identifiant",
            "insee_dep": "departement_lu",
            "date_signature": "date_adhesion",
        },
        "nom": "liste nationale des lauréats PVD (ANCT)",
        "motif_identifiant": r"pvd(-[0-9A-Za-z]+)+",
        "exhaustif": True,
    },
    "anct-acv": {
        "programme": "acv",
        "colonnes": {
            "insee_com": "code",
            "lib_com": "nom",
            "id_acv": "identifiant",
            "lib_acv": "libelle",
            "insee_dep": "departement_lu",
            "date_signature": "date_adhesion",
        },
        "nom": "liste nationale des villes ACV (ANCT)",
        "motif_identifiant": r"acv(-[0-9A-Za-z]+)+",
        "exhaustif": True,
    },
    "ort": {
        "programme": "pvd",
        "colonnes": {
            "commune": "nom",
            "code commune": "code",
            "epci": "epci",
            "signee": "signee",
            "si signee date de signature": "date_signature",
            "si non signee date de signature envisagee": "date_prevue",
            "duree en annees": "duree",
            "statut de la commune": "statut_commune",
        },
        "nom": "fichier de suivi des ORT (ministère)",
    },
    "tableur": {"programme": "pvd", "colonnes": {}, "nom": "tableur de la préfecture"},
}


def colonnes_reconnues(
    source: str, entete: list, correspondance: dict[str, str] | None
) -> tuple[dict[int, str], list[str]]:
    """Indice de colonne → champ, et les colonnes écartées pour données personnelles."""
    ecartees = []
    champs: dict[int, str] = {}
    connues = {cle(k): v for k, v in SOURCES[source]["colonnes"].items()}
    voulues = {cle(k): v for k, v in (correspondance or {}).items() if v}
    for i, titre in enumerate(entete):
        titre_cle = cle(str(titre))
        if not titre_cle:
            continue
        champ = voulues.get(titre_cle) or connues.get(titre_cle)
        if DONNEES_PERSONNELLES.search(titre_cle) and champ not in ("commune", "nom"):
            ecartees.append(str(titre))
            continue
        if champ:
            champs[i] = champ
    return champs, ecartees


def colonnes_du_fichier(contenu: bytes, nom_fichier: str, source: str) -> list[str]:
    """Les titres de colonnes d'un fichier, pour proposer la correspondance d'un tableur."""
    tableau = lire_tableau(contenu, nom_fichier)
    indice = ligne_entete(tableau, source, {})
    return [str(t) for t in tableau.lignes[indice] if str(t).strip()]


def ligne_entete(tableau: Tableau, source: str, correspondance: dict) -> int:
    connues = {cle(k) for k in SOURCES[source]["colonnes"]} | {cle(k) for k in correspondance}
    if source == "tableur" and not correspondance:
        return trouver_entete(
            tableau, lambda cellule: bool(cle(cellule)) and not re.fullmatch(r"[\d ]+", cle(cellule))
        )
    return trouver_entete(tableau, lambda cellule: cle(cellule) in connues)


def proposer_correspondance(titres: list[str]) -> dict[str, str]:
    """Devine le champ de chaque colonne d'un tableur d'après son titre (l'utilisateur corrige)."""
    regles = [
        ("code", r"\b(insee|code commune|code insee|cog)\b"),
        ("epci", r"\b(epci|intercommunalite|communaute|cc)\b"),
        ("date_signature", r"\bdate(s)? (de )?signature\b|\bsignee le\b"),
        ("date_prevue", r"\bprevue?\b|\benvisagee\b"),
        ("duree", r"\bduree\b"),
        ("type", r"\btype\b|\bnature\b"),
        ("statut", r"\bstatut\b|\betat\b|\bavancement\b"),
        ("identifiant", r"\bidentifiant\b|\bid pvd\b|\bid\b"),
        ("date_selection", r"\bselection\b|\blaureat(e)? le\b"),
        ("commune", r"\bcommunes?\b|\bville(s)?\b|\blaureat(e)?s?\b|\bnom\b"),
    ]
    proposition = {}
    for titre in titres:
        titre_cle = cle(titre)
        if DONNEES_PERSONNELLES.search(titre_cle):
            continue
        for champ, motif in regles:
            if re.search(motif, titre_cle) and champ not in proposition.values():
                proposition[titre] = champ
                break
    return proposition
