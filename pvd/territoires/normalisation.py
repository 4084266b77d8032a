"""Réduire un nom de lieu écrit par un humain à une clé de comparaison.

« Puy l'évêque », « PUY-L'ÉVÊQUE » et « Puy l’Evêque » donnent la même clé `puy l eveque`. On enlève accents et
casse (Unicode NFKD de la bibliothèque standard : le paquet Unidecode est sous GPL), on traite œ/æ, on remplace
la ponctuation par des espaces, on développe `St`/`Ste`/`S.` en saint/sainte et `s/` en sur, et on remet en tête
l'article renvoyé à la fin (« Vigan (Le) » → « le vigan »).

Pour les EPCI, `cle_epci` enlève en plus la forme juridique et sa charnière (« CC du », « Communauté de communes
de la », « Com. com. », « Agglo de », « … Métropole ») : ce sont des manières d'écrire, pas des alias.
"""

import re
import unicodedata

ABREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "s": "saint",
    "mt": "mont",
}
ARTICLES = {"le", "la", "les", "l"}

_ARTICLE_DEPLACE = re.compile(
    r"^(?P<nom>.+?)\s*[(,]\s*(?P<article>les|le|la|l\s*'|l\s*’)\s*\)?\s*$", re.IGNORECASE
)
_SUR_ABREGE = re.compile(r"\bs\s*/\s*", re.IGNORECASE)
_NON_ALPHANUMERIQUE = re.compile(r"[^0-9a-z]+")

_FORMES_EPCI = [
    "communaute de communes",
    "communaute des communes",
    "communaute d agglomeration",
    "communaute urbaine",
    "communaute de commune",
    "communaute",
    "com com",
    "comcom",
    "com d agglo",
    "cdc",
    "cc",
    "ca",
    "cu",
    "agglomeration",
    "agglo",
    "metropole",
    "eurometropole",
]
_CHARNIERES = ["de la", "de l", "du", "des", "de", "d"]
_PREFIXE_EPCI = re.compile(
    r"^(?:"
    + "|".join(re.escape(f) for f in _FORMES_EPCI)
    + r")(?: (?:"
    + "|".join(_CHARNIERES)
    + r"))?(?= |$)"
)
_SUFFIXE_EPCI = re.compile(r" (?:metropole|agglomeration|agglo|communaute)$")
_FORME_EPCI_SEULE = re.compile(r"^(?:" + "|".join(re.escape(f) for f in _FORMES_EPCI) + r")(?= |$)")


# Les signes combinants du plan multilingue de base (accents, cédilles…), effacés d'un coup par `str.translate`.
_SANS_COMBINANTS = {i: None for i in range(0x10000) if unicodedata.combining(chr(i))}


def _ascii(texte: str) -> str:
    # Un texte déjà en ASCII (la plupart des noms) n'a rien à décomposer : NFKD le laisse tel quel. La construction
    # de l'index du résolveur appelle ceci pour chaque nom du référentiel (45 000 fois).
    if texte.isascii():
        return texte.casefold()
    texte = texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decompose = unicodedata.normalize("NFKD", texte)
    if decompose.isascii() or max(decompose) <= "\uffff":
        return decompose.translate(_SANS_COMBINANTS).casefold()
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()


def cle(texte: str) -> str:
    """La clé de comparaison d'un nom : minuscules ASCII, mots séparés par une espace, abréviations développées."""
    texte = _ascii(texte or "").strip()
    texte = texte.replace("’", "'").replace("`", "'")
    deplace = _ARTICLE_DEPLACE.match(texte)
    if deplace:
        texte = f"{deplace['article']} {deplace['nom']}"
    texte = _SUR_ABREGE.sub(" sur ", texte)
    mots = _NON_ALPHANUMERIQUE.sub(" ", texte).split()
    return " ".join(ABREVIATIONS.get(mot, mot) for mot in mots)


def sans_article_initial(cle_nom: str) -> str:
    """`le vigan` → `vigan` ; rend la clé telle quelle si elle ne commence pas par un article."""
    premier, _, reste = cle_nom.partition(" ")
    return reste if premier in ARTICLES and reste else cle_nom


def cle_epci(texte: str) -> str:
    """La clé d'un nom d'EPCI sans sa forme juridique : « CC du Quercy Blanc » → `quercy blanc`."""
    cle_nom = cle(texte)
    sans_forme = _PREFIXE_EPCI.sub("", cle_nom).strip()
    sans_forme = _SUFFIXE_EPCI.sub("", sans_forme).strip()
    return sans_forme or cle_nom


def a_forme_epci(texte: str) -> bool:
    """Vrai si le texte commence par une forme juridique d'EPCI (« CC », « Communauté de communes »…)."""
    return bool(_FORME_EPCI_SEULE.match(cle(texte)))


# Sigles et mots des noms d'EPCI ------------------------------------------------------------------------------

# Mots qui ne comptent pas dans un sigle ni dans la comparaison mot à mot : articles, charnières, « et ».
MOTS_VIDES = {"le", "la", "les", "l", "de", "du", "des", "d", "et", "a", "au", "aux"}
# Prépositions que certains sigles gardent (« CC d'Aire-sur-l'Adour » : CCAA ou CCASA) : on produit les deux.
_PREPOSITIONS = {"en", "sur", "sous", "lez"}
# Mots qui disent la nature de l'EPCI quand elle est dans son nom (« Grand Besançon Métropole », « Lunel Agglo »).
_NATURES_DANS_LE_NOM = {"metropole", "eurometropole", "agglomeration", "agglo", "communaute", "communes"}
_NATURES_EN_TETE = {"cc", "ca", "cu"}
# Mots qu'on ajoute ou qu'on omet sans changer de quel EPCI on parle (« CC du Pays de Lalbenque »).
_MOTS_DE_REMPLISSAGE = _NATURES_DANS_LE_NOM | {
    "pays",
    "canton",
    "territoire",
    "territoires",
    "intercommunalite",
}
# Mots de géographie trop répandus pour désigner seuls un EPCI (« CC de la Vallée » n'en désigne aucun).
MOTS_COURANTS = {
    "vallee", "vallees", "val", "causse", "causses", "coteaux", "coteau", "plaine", "plaines", "plateau",
    "plateaux", "terre", "terres", "mont", "monts", "montagne", "montagnes", "haut", "haute", "hauts", "hautes",
    "bas", "basse", "grand", "grande", "grands", "coeur", "porte", "portes", "rive", "rives", "lac", "lacs",
    "sud", "nord", "est", "ouest", "centre", "deux", "trois", "bocage", "foret", "forets", "gorges", "sources",
    "confluent", "confluences", "bassin", "region", "nature", "entre", "ile", "iles", "cote", "cotes", "littoral",
    "baie", "baies", "marais", "landes", "saint", "sainte", "vignoble", "vignobles",
}  # fmt: skip
# Sigles courants qui ne désignent pas un EPCI (centre communal ou intercommunal d'action sociale).
_SIGLES_ECARTES = {"ccas", "cias"}
_PARENTHESES = re.compile(r"\(([^)]*)\)")
_SEPARATEURS_SIGLE = re.compile(r"[.\s]+")


def sigle_ecrit(texte: str) -> str:
    """« CCGF », « C.C.B.A. », « CC VBA » → `ccgf`, `ccba`, `ccvba` ; chaîne vide si le texte n'a pas la forme
    d'un sigle (3 à 10 capitales ou chiffres, au moins deux lettres)."""
    compact = _SEPARATEURS_SIGLE.sub("", (texte or "").strip())
    if not 3 <= len(compact) <= 10 or not compact.isascii() or not compact.isalnum():
        return ""
    if compact.upper() != compact or sum(c.isalpha() for c in compact) < 2:
        return ""
    sigle = compact.lower()
    return "" if sigle in _SIGLES_ECARTES else sigle


def sigles_epci(nom: str) -> set[str]:
    """Les sigles sous lesquels on écrit un EPCI : ceux que son nom officiel porte (« CC Vallée des Baux-Alpilles
    (CC VBA) », « CA ECLA ») et les initiales des mots de son nom, articles omis (« CC Grand-Figeac » : CCGF,
    « CC Causses et Vallée de la Dordogne » : CCCVD, « CU Grand Besançon Métropole » : GBM).

    Les variantes sont larges (mot composé compté pour une ou plusieurs lettres, « sur » gardé ou omis) : un sigle
    qui désigne deux EPCI d'un même département est ambigu, jamais deviné.
    """
    sigles = set()
    for contenu in _PARENTHESES.findall(nom):
        declare = sigle_ecrit(contenu)
        if declare:
            sigles.add(declare)
    hors_parentheses = _PARENTHESES.sub(" ", nom)
    for mot in re.split(r"[\s\-'’]+", hors_parentheses):
        if len(mot) >= 3 and mot.isascii() and mot.isalpha() and mot.isupper():
            sigles.add(mot.lower())
    texte = _ascii(hors_parentheses).replace("'", " ").replace("’", " ")
    groupes = [[m for m in re.split(r"[^0-9a-z]+", g) if m] for g in texte.split()]
    groupes = [g for g in groupes if g]
    nature = ""
    if groupes and groupes[0] == [groupes[0][0]] and groupes[0][0] in _NATURES_EN_TETE:
        nature, groupes = groupes[0][0], groupes[1:]
    for garder_prepositions in (False, True):
        vides = MOTS_VIDES if garder_prepositions else MOTS_VIDES | _PREPOSITIONS
        for composes_entiers in (False, True):
            if composes_entiers:
                mots = [next((m for m in g if m not in vides), "") for g in groupes]
            else:
                mots = [m for g in groupes for m in g if m not in vides]
            mots = [m for m in mots if m]
            initiales = "".join(m[0] for m in mots)
            sans_nature = "".join(m[0] for m in mots if m not in _NATURES_DANS_LE_NOM)
            if nature:
                sigles.update(s for s in (nature + initiales, nature + sans_nature) if len(s) >= 4)
            if any(m in _NATURES_DANS_LE_NOM for m in mots):
                sigles.update(s for s in (initiales, sans_nature) if len(s) >= 3)
    return sigles - _SIGLES_ECARTES


def mots_significatifs(cle_nom: str) -> tuple[str, ...]:
    """Les mots d'une clé d'EPCI qui le distinguent : sans articles, charnières ni mots de remplissage
    (`pays de lalbenque limogne` → `lalbenque`, `limogne`)."""
    return tuple(m for m in cle_nom.split() if m not in MOTS_VIDES and m not in _MOTS_DE_REMPLISSAGE)
