"""Construit le jeu étiqueté de la mesure de résolution (`bench/cas_resolution.csv`).

Les cas sont tirés du COG lui-même (paquets npm `cog-2026` et `cog-2021`), avec une graine fixe, par une règle par
difficulté, plus des cas écrits à la main : le communiqué du Lot, et des noms relevés tels quels dans des textes
publics (sites de communes et d'EPCI, presse, pages encyclopédiques), avec l'adresse où les lire. Chaque cas dit le
texte, le contexte donné, la réponse attendue (un code, ou AMBIGU quand aucune réponse sûre n'existe), sa difficulté
(sa classe), son origine et sa source. Les règles d'écriture imitent ce que font les gens ; elles ne regardent pas
le résolveur, et on ne l'ajuste pas cas par cas à ce jeu : un cas relevé que le résolveur manque reste dans le jeu.

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
SOURCE_COMMUNIQUE = "communiqué du préfet du Lot, 27 juillet 2021"

# Noms relevés tels quels dans des textes publics (texte, type, département, EPCI, attendu, classe, adresse).
# Trois classes : sigles d'EPCI, nom de commune suivi d'un territoire, nom d'EPCI aux mots omis ou ajoutés.
# Attendu AMBIGU : le texte désigne, dans son département, plusieurs territoires (CCQB : Quercy Blanc et
# Quercy-Bouriane), et la seule réponse honnête est de le dire.
SIGLE, USAGE, MOTS = "sigle_epci", "nom_usage_territoire", "epci_mots_omis_ajoutes"
RELEVES = [
    ("CCVH", "", "34", "", "243400694", SIGLE, "https://montarnaud.com/-Intercommunalite-.html"),
    ("CCHVC", "", "78", "", "200033173", SIGLE, "https://cchvc.fr/l-interco/la-cchvc-en-7-réponses-1"),
    (
        "CCHV", "", "88", "", "200096634", SIGLE,
        "https://profilpelajar.com/fr/Communaut%C3%A9_de_communes_des_Hautes_Vosges",
    ),
    (
        "C.C.V.B.A.", "", "13", "", "241300375", SIGLE,
        "http://saintremydetoutesnosforces.over-blog.com/article-saint-remy-est-membre-d-une-communaute-de-"
        "communes-la-c-c-v-b-a-39131623.html",
    ),
    (
        "CCVDFB", "", "24", "", "200041051", SIGLE,
        "https://franco.wiki/fr/Communaut%C3%A9_de_communes_Vall%C3%A9e_de_la_Dordogne_et_For%C3%AAt_Bess%C3%A8de.html",
    ),
    (
        "GBM", "", "25", "", "242500361", SIGLE,
        "https://kiwix.jackbot.fr/wikipedia_fr_all_maxi_2021-09/A/Grand_Besan%C3%A7on_M%C3%A9tropole",
    ),
    (
        "CAGB", "", "25", "", "242500361", SIGLE,
        "https://www.francebleu.fr/infos/politique/besancon-la-communaute-urbaine-de-grand-besancon-metropole-"
        "installee-par-la-ministre-jacqueline-1561994337",
    ),
    (
        "CCQB", "", "46", "", "AMBIGU", SIGLE,
        "https://medialot.fr/quercy-blanc-bilan-et-projets-pour-la-communaute-de-communes",
    ),
    ("CCPL", "", "34", "", "243400520", SIGLE, "https://issuu.com./paysdelunel/docs/rapport_d_activites_2013"),
    (
        "CCBA", "", "32", "", "243200409", SIGLE,
        "https://lejournaldugers.fr/article/17644-nogaro-lintercommunalite-outil-au-service-du-territoire",
    ),
    ("C.C.B.A.", "", "32", "", "243200409", SIGLE, "https://docslib.org/doc/8782760/ccba-bulletin-24-pdf"),
    ("CCAA", "", "32", "", "AMBIGU", SIGLE, "https://mairie-saintmont.com/ccaa/"),
    ("CCPLM", "", "11", "", "200035707", SIGLE, "https://ccplm.fr/presentation/"),
    ("CCLPA", "", "81", "", "200034056", SIGLE, "http://cclpa.fr/HISTORIQUE%20CCPA.htm"),
    (
        "CCVLV", "", "46", "", "244600433", SIGLE,
        "https://www.blogdesbourians.fr/conseil-vallee-du-lot-et-du-vignoble/?share=email",
    ),
    ("CCPLL", "", "46", "", "244600532", SIGLE, "http://imaginerlalbenqueensemble.fr/les-competences-2/"),
    ("CCSA", "", "81", "", "248100158", SIGLE, "https://fr-academic.com/dic.nsf/frwiki/405032"),
    (
        "CCQRGA", "", "82", "", "248200107", SIGLE,
        "http://fr.m.wiki.x.io/wiki/Communaut%C3%A9_de_communes_du_Quercy_Rouergue_et_des_Gorges_de_l%27Aveyron",
    ),
    (
        "CCACV", "", "12", "", "200067171", SIGLE,
        "https://www.ccacv.fr/2025/10/24/des-choix-forts-lors-du-conseil-communautaire-du-23-septembre-2025-"
        "soutien-aux-communes-et-gestion-de-la-secheresse",
    ),
    (
        "CCLT", "", "12", "", "200067478", SIGLE,
        "https://www.centrepresseaveyron.fr/2024/03/31/un-engagement-pour-le-territoire-et-lenvironnement-"
        "11861981.php",
    ),
    ("Berck-sur-Mer", "commune", "62", "", "62108", USAGE, "http://tresordesregions.mgm.fr/cant.php?cl=Berck&region=31"),
    (
        "Lacaune-les-Bains", "commune", "81", "", "81124", USAGE,
        "http://cyclingmagnolias.com/cycling-routes/route-maps/historic-interest/lacaune-les-bains.html",
    ),
    (
        "LACAUNE LES BAINS", "commune", "81", "", "81124", USAGE,
        "http://levanin.net/Levanin_photo/album/photos?nom=lacaune",
    ),
    ("Gourdon-en-Quercy", "commune", "46", "", "46127", USAGE, "https://besthotels.com/es/Gourdon-en-quercy/119920"),
    ("Condom-en-Armagnac", "commune", "32", "", "32107", USAGE, "https://fr.wikipedia.org/wiki/Condom_(Gers)"),
    (
        "Hyères-les-Palmiers", "commune", "83", "", "83069", USAGE,
        "https://www.thebestbedandbreakfastfrance.com/provence-alpes-cote-d-azur/var/hyeres-83400/chambre-hote.html",
    ),
    (
        "Hyères - les Palmiers", "commune", "83", "", "83069", USAGE,
        "http://www.traumferienhaus.ch/umgebung/hyeres.html",
    ),
    (
        "Allevard-les-Bains", "commune", "38", "", "38006", USAGE,
        "http://www.allevard-les-bains.com/alevard.html",
    ),
    (
        "Allevard les Bains", "commune", "38", "", "38006", USAGE,
        "http://www.allevard-les-bains.com/alevard.html",
    ),
    (
        "Capvern-les-Bains", "commune", "65", "", "65127", USAGE,
        "https://www.stationverte.fr/stations/capvern-les-bains",
    ),
    (
        "Étaples-sur-Mer", "commune", "62", "", "62318", USAGE,
        "https://www.omnivore.com/fr/article/omnivore-nord-escale-etaples-sur-mer",
    ),
    ("Etaples sur mer", "commune", "62", "", "62318", USAGE, "http://www.plaisance-etaples.fr/etaples-sur-mer/"),
    (
        "Rochefort-sur-Mer", "commune", "17", "", "17299", USAGE,
        "http://www.la-nauliere.fr/tourist-attractions/rochefort-sur-mer/",
    ),
    (
        "Saint Sever sur Adour", "commune", "40", "", "40282", USAGE,
        "https://lebrelblanco.com/old/anexos/atlasT-SaintSever-Tursan.htm",
    ),
    (
        "Souillac sur Dordogne", "commune", "46", "", "46309", USAGE,
        "https://aupetitrandonneur.eklablog.com/souillac-sur-dordogne-lot-a118688078",
    ),
    # La station est surtout sur Ornolac-Ussat-les-Bains : Ussat ou Ornolac-Ussat-les-Bains, à demander.
    (
        "Ussat-les-Bains", "commune", "09", "", "AMBIGU", USAGE,
        "https://inventaire.patrimoines.laregion.fr/dossier/IA09005001",
    ),
    (
        "Communauté de communes du Haut-Allier", "epci", "48", "", "200006930", MOTS,
        "https://www.lozere.gouv.fr/index.php/Actualites/Actualites-des-services/2021/Mars/"
        "Le-programme-Petites-Villes-de-Demain-installe-en-Lozere",
    ),
    ("communauté de communes de Grand Orb", "epci", "34", "", "200042646", MOTS, "https://fr.m.wikipedia.org/wiki/Av%C3%A8ne"),
    (
        "Communauté de communes du Pays de Lalbenque", "epci", "46", "", "244600532", MOTS,
        "http://www.cc-lalbenque-limogne.fr/votre-communaute/communes/",
    ),
    (
        "Communauté de Communes Sor et Agout", "epci", "81", "", "248100158", MOTS,
        "https://adefpat.fr/adhrents/communaute-de-communes-du-sor-et-de-lagout",
    ),
    (
        "communauté d'agglomération Pays de Foix Varilhes", "epci", "09", "", "200067791", MOTS,
        "https://vous-venez-quand.com/blog-ariege-pyrenees/actualites/contrat-reciprocite-ariege-toulouse",
    ),
    (
        "Communauté de communes Aubrac/Carladez/Viadène", "epci", "12", "", "200067171", MOTS,
        "https://www.centrepresseaveyron.fr/2023/06/20/le-theme-de-lapprovisionnement-en-eau-au-menu-des-elus-"
        "communautaires-11290211.php",
    ),
    (
        "communauté de communes Aubrac-Carladez-Viadène", "epci", "12", "", "200067171", MOTS,
        "https://www.centrepresseaveyron.fr/2023/11/09/une-reflexion-sur-le-projet-politique-et-les-interactions-"
        "entre-les-communes-11570753.php",
    ),
    (
        "communauté de Communes Comtal, Lot Truyère", "epci", "12", "", "200067478", MOTS,
        "https://www.centrepresseaveyron.fr/2024/01/28/en-2024-linvestissement-sera-soutenu-11727108.php",
    ),
    (
        "CC Comtal Lot Truyère", "epci", "12", "", "200067478", MOTS,
        "https://www.centrepresseaveyron.fr/2023/01/27/une-intercommunalite-au-service-de-son-territoire-"
        "10956259.php",
    ),
    # « Causse » pour « Comtal » : un mot changé, pas seulement omis ; le résolveur ne doit pas deviner.
    (
        "Communauté de Communes Causse Lot et Truyère", "epci", "12", "", "200067478", MOTS,
        "https://www.centrepresseaveyron.fr/2023/01/27/une-intercommunalite-au-service-de-son-territoire-"
        "10956259.php",
    ),
    # Le nom de la fusion de 2017, trois noms accolés.
    (
        "Causses et vallée de la Dordogne - Cère-et-Dordogne - Sousceyrac-en-Quercy", "epci", "46", "",
        "200066371", MOTS,
        "https://fr.wikipedia.org/wiki/Communaut%C3%A9_de_communes_Causses_et_Vall%C3%A9e_de_la_Dordogne",
    ),
]  # fmt: skip

# Cas construits pour éprouver la prudence des trois règles : aucune réponse sûre n'existe.
CONSTRUITS = [
    ("CCPC", "", "30", "", "AMBIGU", SIGLE, "deux EPCI du Gard : CC de Petite Camargue, CC du Piémont Cévenol"),
    ("CCPS", "", "54", "", "AMBIGU", SIGLE, "deux EPCI : CC du Pays du Saintois, CC du Pays du Sanon"),
    ("CCAS", "epci", "46", "", "AMBIGU", SIGLE, "centre communal d'action sociale, pas un EPCI"),
    ("Esplas-de-Couserans", "commune", "09", "", "AMBIGU", USAGE, "Esplas suivi d'un territoire, ou Esplas-de-Sérou"),
    (
        "Saint-Médard-en-Quercy", "commune", "46", "", "AMBIGU", USAGE,
        "Saint-Médard, ou Saint-Médard-de-Presque, Saint-Médard-Nicourby",
    ),
    ("Figeac en présence du préfet", "commune", "46", "", "AMBIGU", USAGE, "une phrase, pas un nom"),
    (
        "Communauté de communes Margeride", "epci", "48", "", "AMBIGU", MOTS,
        "trois EPCI de la Lozère ont ce mot dans leur nom",
    ),
    ("CC de la Vallée et des Causses", "epci", "46", "", "AMBIGU", MOTS, "des mots trop communs pour désigner un EPCI"),
]  # fmt: skip

# Les exemples du ticket (issue #10), hors du décompte des cas relevés.
TICKET = [
    ("CCCVD", "", "46", "", "200066371", SIGLE, "issue #10"),
    ("CCGF", "", "46", "", "200067361", SIGLE, "issue #10"),
    ("Nogaro-en-Armagnac", "commune", "32", "", "32296", USAGE, "issue #10"),
    ("Saint-Girons-en-Couserans", "commune", "09", "", "09261", USAGE, "issue #10"),
    ("communauté de communes Causses et Vallée", "epci", "46", "", "200066371", MOTS, "issue #10"),
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

    cas: list[tuple] = [(*m[:5], m[5], "manuel", SOURCE_COMMUNIQUE) for m in MANUELS]
    cas += [(*r[:6], "public", r[6]) for r in RELEVES]
    cas += [(*r[:6], "construit", r[6]) for r in CONSTRUITS]
    cas += [(*r[:6], "ticket", r[6]) for r in TICKET]

    def tirer(candidates, n=PAR_DIFFICULTE):
        candidates = list(candidates)
        alea.shuffle(candidates)
        return candidates[:n]

    pool = [c for c in actuelles if c["departement"] in DEPARTEMENTS]

    def ajouter(texte, type_, dep, epci, attendu, difficulte):
        cas.append((texte, type_, dep, epci, attendu, difficulte, "généré", ""))

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
        ecrivain.writerow(
            ["texte", "type", "departement", "epci", "attendu", "difficulte", "origine", "source"]
        )
        ecrivain.writerows(cas)
    deps = {c[2] for c in cas if c[2]}
    print(f"{len(cas)} cas écrits dans {SORTIE.name}, {len(deps)} départements.", file=sys.stderr)


if __name__ == "__main__":
    main()
