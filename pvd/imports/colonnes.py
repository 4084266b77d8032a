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
from dataclasses import dataclass

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
    "maquette": {"programme": None, "colonnes": {}, "nom": "maquette financière d'un plan d'action"},
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


# Maquette financière ----------------------------------------------------------------------------------------------

# Les colonnes fixes d'une maquette financière (une ligne par action) : le champ et le motif de son titre (clé
# `cle` : minuscules, sans accents ni ponctuation). Toute autre colonne de montants nomme un financeur.
_COUT = r"(cout|montant|depense|depenses|budget)( (total|global|globale|previsionnel|estimatif|estime|eligible|de l operation|du projet|de l action))*"
COLONNES_MAQUETTE = [
    (
        "numero",
        r"^(n|no|num|numero|ref|reference)( (de |d )?(l )?(action|fiche|fa))?$|^(fiche|action)( action)? (n|no|numero)$|^fiche( action)?$",
    ),
    (
        "intitule",
        r"^(intitule|libelle|nom|titre|objet)( (de |du )?(l )?(action|projet|operation|fiche))?$|^(action|projet|operation)s?$",
    ),
    ("maitre_ouvrage", r"\bmaitr(e|ise) d ouvrage\b|^mo$|^moa$|^porteur( de projet)?$"),
    ("cout_ttc", rf"^{_COUT} ttc$"),
    (
        "cout_ht",
        rf"^{_COUT} ht$|^cout( (total|global|previsionnel|estimatif|estime))*$|^montant (total )?(du projet|de l operation)$",
    ),
    ("axe", r"^axe( (strategique|de l ort|ort))?$|^(theme|thematique)$"),
    ("commune", r"^communes?( concernees?)?$"),
]
# Des colonnes qui ne sont pas des montants de financeurs : un total, un taux, un reste, un calendrier, un état.
COLONNES_A_IGNORER = re.compile(
    r"\b(total|totaux|somme|taux|pourcentage|part en|reste|solde|calendrier|annee|date|debut|fin|statut|"
    r"avancement|observations?|commentaires?|remarques?|description|indicateurs?|partenaires?)\b|%"
)
AUTOFINANCEMENT = re.compile(
    r"\b(autofinancement|auto financement|fonds propres|part (du )?(maitre d ouvrage|mo|moa)|reste a charge|"
    r"part communale|part de la collectivite)\b"
)
REGION = re.compile(r"\b(region|conseil regional|cr)\b")
DEPARTEMENT = re.compile(r"\b(departement|conseil departemental|conseil general|cd\d*|cg\d*)\b")
MOTS_VIDES = re.compile(
    r"\b(montant|montants|subventions?|sollicitee?s?|attendue?s?|previsionnel(le)?s?|en|euros?|eur|ht|ttc|k)\b"
)


@dataclass(frozen=True)
class FinanceurLu:
    """Ce qu'une colonne de montants désigne : un dispositif (et son financeur), une organisation nationale, la région
    ou le département de la convention, ou l'autofinancement du maître d'ouvrage."""

    genre: str  # "dispositif", "organisation", "region", "departement", "autofinancement"
    dispositif: object = None
    organisation: object = None


def _alias(nom: str) -> set[str]:
    """« Dotation de soutien à l'investissement local (DSIL) » → son nom, son nom sans la parenthèse, le sigle."""
    alias = {cle(nom), cle(re.sub(r"\(.*?\)", "", nom))}
    alias |= {cle(sigle) for sigle in re.findall(r"\(([^)]+)\)", nom)}
    return {a for a in alias if a}


def _contient(texte: str, alias: str) -> bool:
    return re.search(rf"(^| ){re.escape(alias)}( |$)", texte) is not None


def reconnaitre_financeur(titre: str, dispositifs: list, organisations: list) -> FinanceurLu | None:
    """Le financeur d'une colonne d'après son titre, par les données du programme (noms et sigles des dispositifs et
    des organisations nationales, que l'équipe nationale édite) : « État – DETR » → DETR, « Banque des Territoires
    (prêt) » → le prêt de la Banque des Territoires, « Anah » → l'Anah ; « Région », « Département » et
    « Autofinancement » sont reconnus par leur nom. None : pas un financeur."""
    texte = cle(titre)
    if AUTOFINANCEMENT.search(texte):
        return FinanceurLu("autofinancement")
    if not texte or COLONNES_A_IGNORER.search(texte):
        return None
    texte = MOTS_VIDES.sub(" ", texte).strip()
    texte = re.sub(r" +", " ", texte)
    meilleur, longueur = None, 0
    for dispositif in dispositifs:
        alias = _alias(dispositif.nom) | {cle(dispositif.code.replace("-", " "))}
        for a in alias:
            if len(a) > longueur and _contient(texte, a):
                meilleur, longueur = FinanceurLu("dispositif", dispositif=dispositif), len(a)
    for organisation in organisations:
        for a in _alias(organisation.nom):
            if len(a) > longueur and _contient(texte, a):
                meilleur, longueur = FinanceurLu("organisation", organisation=organisation), len(a)
    if meilleur is not None and meilleur.genre == "dispositif" and meilleur.dispositif.financeur_id is None:
        # « Subvention (autre) », « Autofinancement » : un dispositif sans financeur propre.
        if meilleur.dispositif.code == "autofinancement":
            return FinanceurLu("autofinancement")
        return _collectivite(texte)
    return meilleur or _collectivite(texte)


def _collectivite(texte: str) -> FinanceurLu | None:
    if REGION.search(texte):
        return FinanceurLu("region")
    if DEPARTEMENT.search(texte):
        return FinanceurLu("departement")
    return None


def colonnes_maquette(entete: list, dispositifs: list, organisations: list):
    """Les colonnes d'une maquette : indice → champ fixe (numéro, intitulé, maître d'ouvrage, coûts, axe, communes),
    indice → financeur, et les titres ignorés (totaux, taux, dates…) ou écartés (données personnelles)."""
    fixes: dict[int, str] = {}
    financeurs: dict[int, FinanceurLu] = {}
    ignorees: list[str] = []
    ecartees: list[str] = []
    for i, titre in enumerate(entete):
        texte = cle(str(titre))
        if not texte:
            continue
        if DONNEES_PERSONNELLES.search(texte):
            ecartees.append(str(titre))
            continue
        champ = next(
            (c for c, motif in COLONNES_MAQUETTE if c not in fixes.values() and re.search(motif, texte)), None
        )
        if champ:
            fixes[i] = champ
            continue
        financeur = reconnaitre_financeur(str(titre), dispositifs, organisations)
        if financeur:
            financeurs[i] = financeur
        else:
            ignorees.append(str(titre))
    return fixes, financeurs, ignorees, ecartees


def entete_maquette(tableau: Tableau) -> int:
    """La ligne d'en-tête d'une maquette : celle qui nomme le plus de colonnes fixes (un titre ou une ligne
    « Financements » fusionnée peut la précéder)."""
    return trouver_entete(
        tableau, lambda cellule: any(re.search(motif, cle(cellule)) for _, motif in COLONNES_MAQUETTE)
    )
