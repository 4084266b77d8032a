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


def _ascii(texte: str) -> str:
    texte = texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decompose = unicodedata.normalize("NFKD", texte)
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
