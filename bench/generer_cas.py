"""Construit le jeu étiqueté de la mesure de résolution (`bench/cas_resolution.csv`).

Les cas sont tirés du COG lui-même (paquets npm `cog-2026` et `cog-2021`), avec une graine fixe, par une règle par
difficulté, plus des cas écrits à la main (le communiqué du Lot). Chaque cas dit le texte, le contexte donné, la
réponse attendue (un code, ou AMBIGU quand aucune réponse sûre n'existe) et sa difficulté. Les règles d'écriture
imitent ce que font les gens ; elles ne regardent pas le résolveur, et on ne l'ajuste pas cas par cas à ce jeu.

Usage : python bench/generer_cas.py  (réécrit le fichier ; la graine rend le résultat identique d'une fois à l'autre)
"""

import csv
import json
import random
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

RACINE = Path(__file__).resolve().parent.parent
SORTIE = Path(__file__).resolve().parent / "cas_resolution.csv"
GRAINE = 20260727
PAR_DIFFICULTE = 30
DEPARTEMENTS = [
    "01",
    "09",
    "12",
    "14",
    "22",
    "2A",
    "30",
    "33",
    "38",
    "46",
    "57",
    "59",
    "62",
    "64",
    "67",
    "71",
    "76",
    "80",
    "88",
    "974",
]

MANUELS = [
    # Le communiqué du préfet du Lot (27 juillet 2021), tel qu'écrit.
    ("Souillac", "commune", "46", "", "46309", "communiqué"),
    ("Martel", "commune", "46", "", "46185", "communiqué"),
    ("Vayrac", "commune", "46", "", "46330", "communiqué"),
    ("Bretenoux", "commune", "46", "", "46038", "communiqué"),
    ("Biars-sur-Cère", "commune", "46", "", "46029", "communiqué"),
    ("Saint-Céré", "commune", "46", "", "46251", "communiqué"),
    ("Gramat", "commune", "46", "", "46128", "communiqué"),
    ("Montcuq-en-Quercy-Blanc", "commune", "46", "", "46201", "communiqué"),
    ("Castelnau-Montratier-Sainte-Alauzie", "commune", "46", "", "46063", "communiqué"),
    ("Lacapelle-Marival", "commune", "46", "", "46143", "communiqué"),
    ("Cajarc", "commune", "46", "", "46045", "communiqué"),
    ("Capdenac-Gare", "commune", "46", "", "12052", "communiqué"),
    ("Puy l'évêque", "commune", "46", "", "46231", "communiqué"),
    ("Prayssac", "commune", "46", "", "46225", "communiqué"),
    ("Luzech", "commune", "46", "", "46182", "communiqué"),
    ("Gourdon", "commune", "46", "", "46127", "communiqué"),
    ("Cazals", "commune", "46", "", "46066", "communiqué"),
    ("Salviac", "commune", "46", "", "46297", "communiqué"),
    ("Lalbenque", "commune", "46", "", "46148", "communiqué"),
    ("Limogne", "commune", "46", "", "46173", "communiqué"),
    ("communauté de communes de Cauvaldor", "epci", "46", "", "200066371", "communiqué"),
    ("Cauvaldor", "", "", "", "200066371", "communiqué"),
    ("communauté de communes du Quercy Blanc", "epci", "46", "", "200039519", "communiqué"),
    ("communauté de communes du Grand Figeac", "epci", "46", "", "200067361", "communiqué"),
    (
        "communauté de communes de la Vallée du Lot et du vignoble",
        "epci",
        "46",
        "",
        "244600433",
        "communiqué",
    ),
    ("communauté de communes de Quercy-Bouriane", "epci", "46", "", "244600482", "communiqué"),
    ("St-Céré", "commune", "46", "", "46251", "communiqué"),
    ("Capdenac-Gare", "commune", "", "200067361", "12052", "communiqué"),
    ("Puy l'évêque", "", "", "", "46231", "communiqué"),
    ("Saint-Martin", "commune", "", "", "AMBIGU", "homonymes_sans_contexte"),
    ("Vigan (Le)", "commune", "30", "", "30350", "article_deplace"),
]


def cle(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.replace("œ", "oe").replace("Œ", "OE"))
    sans_accent = "".join(c for c in decompose if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", sans_accent).split())


def sans_accents(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))


def charger(paquet: str) -> dict:
    dossier = RACINE / "node_modules" / paquet / "data"
    return {nom: json.loads((dossier / f"{nom}.json").read_text()) for nom in ("communes", "epci")}


def main() -> None:
    alea = random.Random(GRAINE)
    cog, cog21 = charger("cog-2026"), charger("cog-2021")
    actuelles = [c for c in cog["communes"] if c["type"] == "commune-actuelle"]
    par_code = {c["code"]: c for c in actuelles}
    epci_de = {m["code"]: e["code"] for e in cog["epci"] for m in e["membres"]}
    deps_epci = defaultdict(set)
    for e in cog["epci"]:
        for m in e["membres"]:
            if m["code"] in par_code:
                deps_epci[e["code"]].add(par_code[m["code"]]["departement"])
    cles_nationales = defaultdict(set)
    cles_dep = defaultdict(set)
    for c in actuelles:
        cles_nationales[cle(c["nom"])].add(c["code"])
        cles_dep[(c["departement"], cle(c["nom"]))].add(c["code"])
    noms_historiques = defaultdict(set)  # (département, clé) → codes actuels désignés par un ancien nom
    successeur = {}
    for c in cog["communes"]:
        for ancien in c.get("anciensCodes", []):
            successeur.setdefault(ancien, c["code"])
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu") in par_code:
            noms_historiques[(c["departement"], cle(c["nom"]))].add(c["chefLieu"])
    for c in cog21["communes"]:
        if c["type"] in ("commune-deleguee", "commune-associee") and c.get("departement"):
            actuel = (
                c.get("chefLieu") if c.get("chefLieu") in par_code else successeur.get(c.get("chefLieu", ""))
            )
            if actuel:
                noms_historiques[(c["departement"], cle(c["nom"]))].add(actuel)
        if c["type"] == "commune-actuelle" and c.get("departement"):
            actuel = c["code"] if c["code"] in par_code else successeur.get(c["code"])
            if actuel:
                noms_historiques[(c["departement"], cle(c["nom"]))].add(actuel)

    def sur_dans_dep(nom: str, dep: str, code: str) -> bool:
        """Vrai si, dans le département, ce nom ne peut désigner que `code` (ni homonyme, ni ancien nom d'une autre)."""
        k = cle(nom)
        return cles_dep.get((dep, k), {code}) == {code} and noms_historiques.get((dep, k), {code}) <= {code}

    cas: list[tuple] = [(*m[:5], m[5], "manuel") for m in MANUELS]

    def tirer(candidates, n=PAR_DIFFICULTE):
        candidates = list(candidates)
        alea.shuffle(candidates)
        return candidates[:n]

    pool = [c for c in actuelles if c["departement"] in DEPARTEMENTS]

    def ajouter(texte, type_, dep, epci, attendu, difficulte):
        cas.append((texte, type_, dep, epci, attendu, difficulte, "généré"))

    # Accents et casse perdus (saisie rapide, majuscules d'un tableur).
    for c in tirer(
        x
        for x in pool
        if sans_accents(x["nom"]) != x["nom"] and sur_dans_dep(x["nom"], x["departement"], x["code"])
    ):
        texte = sans_accents(c["nom"])
        texte = texte.upper() if alea.random() < 0.5 else texte.lower()
        ajouter(texte, "commune", c["departement"], "", c["code"], "accents_casse")
    # Saint / Sainte abrégés.
    for c in tirer(
        x
        for x in pool
        if re.search(r"\bSaint(e)?-", x["nom"]) and sur_dans_dep(x["nom"], x["departement"], x["code"])
    ):
        texte = re.sub(r"\bSainte-", alea.choice(["Ste-", "Ste ", "Ste. "]), c["nom"])
        texte = re.sub(r"\bSaint-", alea.choice(["St-", "St ", "St. ", "S. "]), texte)
        ajouter(texte, "commune", c["departement"], "", c["code"], "saint_abrege")
    # Tirets et espaces mélangés.
    for c in tirer(
        x for x in pool if "-" in x["nom"] and sur_dans_dep(x["nom"], x["departement"], x["code"])
    ):
        ajouter(c["nom"].replace("-", " "), "commune", c["departement"], "", c["code"], "tirets_espaces")
    # Apostrophes typographiques ou absentes.
    for c in tirer(
        x for x in pool if "'" in x["nom"] and sur_dans_dep(x["nom"], x["departement"], x["code"])
    ):
        texte = c["nom"].replace("'", alea.choice(["’", " ", "' "]))
        ajouter(texte, "commune", c["departement"], "", c["code"], "apostrophes")
    # Article renvoyé en fin de nom, comme dans les listes alphabétiques.
    for c in tirer(
        x
        for x in pool
        if re.match(r"^(Le|La|Les) ", x["nom"]) and sur_dans_dep(x["nom"], x["departement"], x["code"])
    ):
        article, reste = c["nom"].split(" ", 1)
        ajouter(f"{reste} ({article})", "commune", c["departement"], "", c["code"], "article_deplace")
    # Début de nom seulement (« Limogne » pour Limogne-en-Quercy) : sûr seulement s'il est unique dans le département.
    partiels = []
    for c in pool:
        if not re.search(r"-(en|sur|sous|lès|les|de|du|des|la)-", c["nom"]):
            continue
        debut = re.split(r"-(?:en|sur|sous|lès|les|de|du|des|la)-", c["nom"])[0]
        k = cle(debut)
        memes = [
            x
            for x in actuelles
            if x["departement"] == c["departement"] and (cle(x["nom"]) + " ").startswith(k + " ")
        ]
        anciens_memes = {
            code
            for (dep, k_ancien), codes in noms_historiques.items()
            if dep == c["departement"] and (k_ancien + " ").startswith(k + " ")
            for code in codes
        }
        if len(memes) == 1 and anciens_memes <= {c["code"]} and len(k) >= 4:
            partiels.append((debut, c["departement"], c["code"]))
    for debut, dep, code in tirer(partiels):
        ajouter(debut, "commune", dep, "", code, "nom_partiel")
    # Anciens noms : nom de 2021 d'un code toujours vivant, ou commune fusionnée depuis.
    anciens = []
    for c in cog21["communes"]:
        if c["type"] != "commune-actuelle" or not c.get("departement"):
            continue
        actuel = par_code.get(c["code"]) or par_code.get(successeur.get(c["code"], ""))
        if actuel and cle(actuel["nom"]) != cle(c["nom"]):
            dep = actuel["departement"]
            if cles_dep.get((dep, cle(c["nom"]))) is None and noms_historiques[(dep, cle(c["nom"]))] == {
                actuel["code"]
            }:
                anciens.append((c["nom"], dep, actuel["code"]))
    for nom, dep, code in tirer(anciens):
        ajouter(nom, "commune", dep, "", code, "ancien_nom")
    # Anciens codes absorbés par une commune nouvelle (sans contexte : le code suffit).
    codes_absorbes = [
        (a, c["code"]) for c in actuelles for a in c.get("anciensCodes", []) if a not in par_code
    ]
    for ancien, code in tirer(codes_absorbes):
        ajouter(ancien, "commune", "", "", code, "ancien_code")
    # Homonymes : sans contexte, la seule réponse honnête est « ambigu » ; avec le département, la commune.
    homonymes = [(k, codes) for k, codes in cles_nationales.items() if len(codes) > 1]
    for _cle, codes in tirer(homonymes):
        code = sorted(codes)[0]
        ajouter(par_code[code]["nom"], "commune", "", "", "AMBIGU", "homonymes_sans_contexte")
    for _cle, codes in tirer(homonymes):
        code = alea.choice(sorted(codes))
        c = par_code[code]
        if sur_dans_dep(c["nom"], c["departement"], code):
            ajouter(c["nom"], "commune", c["departement"], "", code, "homonymes_avec_contexte")
    # Commune d'un autre département, membre d'un EPCI interdépartemental, cherchée depuis l'autre département.
    inter = []
    for siren, deps in deps_epci.items():
        if len(deps) < 2:
            continue
        for m in next(e for e in cog["epci"] if e["code"] == siren)["membres"]:
            c = par_code.get(m["code"])
            if not c:
                continue
            for dep in sorted(deps - {c["departement"]}):
                if (dep, cle(c["nom"])) not in cles_dep and (dep, cle(c["nom"])) not in noms_historiques:
                    autres_homonymes = [
                        x
                        for x in cles_nationales[cle(c["nom"])]
                        if x != c["code"] and dep in deps_epci.get(epci_de.get(x, ""), set())
                    ]
                    if not autres_homonymes:
                        inter.append((c["nom"], dep, siren, c["code"]))
    for nom, dep, _siren, code in tirer(inter):
        ajouter(nom, "commune", dep, "", code, "autre_departement_via_epci")
    for nom, _dep, siren, code in tirer(inter, 10):
        ajouter(nom, "commune", "", siren, code, "autre_departement_via_epci")
    # Codes tapés tels quels.
    for c in tirer(actuelles, 15):
        ajouter(c["code"], "", "", "", c["code"], "code_insee")
    for e in tirer(cog["epci"], 15):
        siren = e["code"]
        ajouter(alea.choice([siren, f"{siren[:3]} {siren[3:6]} {siren[6:]}"]), "", "", "", siren, "siren")
    # EPCI sous toutes leurs formes écrites.
    formes = {
        "CC": [
            "Communauté de communes {c} {n}",
            "CC {n}",
            "Com. com. {c} {n}",
            "communauté de communes {c} {n}",
            "{n}",
        ],
        "CA": ["Communauté d'agglomération {c} {n}", "CA {n}", "Agglomération {c} {n}", "{n}"],
    }
    charnieres = {"du": "du", "de la": "de la", "des": "des", "de l'": "de l'", "d'": "d'", "de": "de"}
    cles_epci = defaultdict(set)
    for e in cog["epci"]:
        cles_epci[cle(re.sub(r"^(CC|CA|CU)\s+", "", e["nom"]))].add(e["code"])
    epci_pool = [e for e in cog["epci"] if e["type"] in formes and deps_epci[e["code"]] & set(DEPARTEMENTS)]
    for e in tirer(epci_pool, 45):
        m = re.match(r"^(CC|CA)\s+(?:(du|de la|des|de l'|d'|de)\s*)?(.+)$", e["nom"])
        if not m:
            continue
        nature, charniere, nom = m.groups()
        if len(cles_epci[cle((charniere or "") + " " + nom)]) > 1 or len(cles_epci[cle(nom)]) > 1:
            continue
        gabarit = alea.choice(formes[nature])
        texte = gabarit.format(c=charnieres.get(charniere or "", "de"), n=nom).replace("' ", "'")
        dep = sorted(deps_epci[e["code"]] & set(DEPARTEMENTS))[0]
        ajouter(texte, "epci", dep, "", e["code"], "epci_formes")

    # Fautes de frappe (une lettre changée, doublée ou oubliée), avec le département.
    def faute(nom: str) -> str:
        i = alea.randrange(1, len(nom) - 1)
        choix = alea.choice(["oubli", "double", "change"])
        if choix == "oubli":
            return nom[:i] + nom[i + 1 :]
        if choix == "double":
            return nom[:i] + nom[i] + nom[i:]
        return nom[:i] + alea.choice("aeioursnt") + nom[i + 1 :]

    for c in tirer((x for x in pool if len(x["nom"]) >= 8), 45):
        texte = faute(c["nom"])
        k = cle(texte)
        voisins = [
            x
            for x in actuelles
            if x["departement"] == c["departement"] and Levenshtein.distance(k, cle(x["nom"])) <= 1
        ]
        if (
            k != cle(c["nom"])
            and len(voisins) == 1
            and not any((c["departement"], k) in d for d in (cles_dep, noms_historiques))
        ):
            ajouter(texte, "commune", c["departement"], "", c["code"], "faute_de_frappe")

    with SORTIE.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier)
        ecrivain.writerow(["texte", "type", "departement", "epci", "attendu", "difficulte", "origine"])
        ecrivain.writerows(cas)
    deps = {c[2] for c in cas if c[2]}
    print(f"{len(cas)} cas écrits dans {SORTIE.name}, {len(deps)} départements.", file=sys.stderr)


if __name__ == "__main__":
    main()
