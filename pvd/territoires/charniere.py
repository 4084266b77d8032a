"""Écrire « du Lot », « de l'Aveyron », « de la Haute-Garonne », « des Vosges » d'après le type de nom INSEE.

Le COG donne pour chaque nom son « type de nom » (TNCC) : 0 pas d'article (« de »), 1 pas d'article devant voyelle
(« d' »), 2 Le, 3 La, 4 Les, 5 L', 6 Aux, 7 Las, 8 Los. Le nom officiel peut contenir l'article (« Le Vigan ») ou non
(« Lot ») : on l'enlève s'il y est, puis on écrit la charnière. Jamais de table faite à la main.
"""

ARTICLES = {2: "le", 3: "la", 4: "les", 5: "l'", 6: "aux", 7: "las", 8: "los"}
CHARNIERES = {
    0: "de ",
    1: "d'",
    2: "du ",
    3: "de la ",
    4: "des ",
    5: "de l'",
    6: "des ",
    7: "de las ",
    8: "de los ",
}


def sans_article(nom: str, type_liaison: int) -> str:
    """« Le Vigan » (type 2) → « Vigan » ; « L'Isle-Jourdain » (type 5) → « Isle-Jourdain » ; « Lot » → « Lot »."""
    article = ARTICLES.get(type_liaison)
    if not article:
        return nom
    for apostrophe in ("'", "’"):
        article_variant = article.replace("'", apostrophe)
        if nom.lower().startswith(article_variant) and article_variant.endswith(apostrophe):
            return nom[len(article_variant) :]
    if nom.lower().startswith(article + " "):
        return nom[len(article) + 1 :]
    return nom


def nom_avec_charniere(nom: str, type_liaison: int | None) -> str:
    """Le nom précédé de sa charnière : « du Lot », « de l'Aveyron », « des Vosges », « de Saône-et-Loire »."""
    type_liaison = type_liaison if type_liaison in CHARNIERES else 0
    return CHARNIERES[type_liaison] + sans_article(nom, type_liaison)


def nom_avec_article(nom: str, type_liaison: int | None) -> str:
    """Le nom avec son article en minuscule, comme dans une phrase : « le Lot », « l'Aveyron », « la Réunion »."""
    article = ARTICLES.get(type_liaison or 0)
    base = sans_article(nom, type_liaison or 0)
    if not article:
        return base
    return f"{article}{base}" if article.endswith("'") else f"{article} {base}"
