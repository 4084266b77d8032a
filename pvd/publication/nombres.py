"""Les nombres en lettres, à la française (règles traditionnelles : « vingt et un », « quatre-vingts »)."""

UNITES = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize",
]  # fmt: skip
DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
LIMITE_EN_LETTRES = 16


def _moins_de_cent(n: int) -> str:
    if n <= 16:
        return UNITES[n]
    if n < 20:
        return "dix-" + UNITES[n - 10]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        reste = _moins_de_cent(10 + unite)
        return f"{base} et {reste}" if n == 71 else f"{base}-{reste}"
    if dizaine == 8:
        return "quatre-vingts" if unite == 0 else f"quatre-vingt-{UNITES[unite]}"
    if unite == 0:
        return DIZAINES[dizaine]
    if unite == 1:
        return f"{DIZAINES[dizaine]} et un"
    return f"{DIZAINES[dizaine]}-{UNITES[unite]}"


def en_lettres(n: int, feminin: bool = False) -> str:
    """0 à 999 : « un », « une » (féminin), « vingt et une », « deux cents », « deux cent un »."""
    if not 0 <= n < 1000:
        return str(n)
    centaines, reste = divmod(n, 100)
    if centaines == 0:
        texte = _moins_de_cent(reste)
    else:
        tete = "cent" if centaines == 1 else f"{UNITES[centaines]} cent"
        texte = f"{tete} {_moins_de_cent(reste)}" if reste else tete + ("s" if centaines > 1 else "")
    if feminin and (texte == "un" or texte.endswith((" un", "-un"))):
        texte = texte[:-2] + "une"
    return texte


def nombre_redige(n: int, feminin: bool = False, debut_de_phrase: bool = False) -> str:
    """En lettres jusqu'à seize (et toujours en début de phrase), en chiffres au-delà : l'usage de la presse."""
    if debut_de_phrase or n <= LIMITE_EN_LETTRES:
        texte = en_lettres(n, feminin)
        return texte[:1].upper() + texte[1:] if debut_de_phrase else texte
    return f"{n:,}".replace(",", "\u202f")
