import pytest

from pvd.territoires.charniere import nom_avec_article, nom_avec_charniere
from pvd.territoires.normalisation import (
    a_forme_epci,
    cle,
    cle_epci,
    mots_significatifs,
    sigle_ecrit,
    sigles_epci,
)


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Puy l'évêque", "puy l eveque"),
        ("PUY-L’ÉVÊQUE", "puy l eveque"),
        ("St-Céré", "saint cere"),
        ("Ste Foy la Grande", "sainte foy la grande"),
        ("S. Céré", "saint cere"),
        ("Vigan (Le)", "le vigan"),
        ("Abergement-Clémenciat (L')", "l abergement clemenciat"),
        ("Biars s/ Cère", "biars sur cere"),
        ("Œuilly", "oeuilly"),
        ("  Castelnau   Montratier-Sainte Alauzie ", "castelnau montratier sainte alauzie"),
    ],
)
def test_cle(texte, attendu):
    assert cle(texte) == attendu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("CC du Quercy Blanc", "quercy blanc"),
        ("Communauté de communes de la Vallée du Lot et du Vignoble", "vallee du lot et du vignoble"),
        ("Com. com. du Grand-Figeac", "grand figeac"),
        ("communauté d'agglomération du Grand Cahors", "grand cahors"),
        ("Toulouse Métropole", "toulouse"),
        ("Métropole de Lyon", "lyon"),
        ("Quercy - Bouriane", "quercy bouriane"),
    ],
)
def test_cle_epci(texte, attendu):
    assert cle_epci(texte) == attendu


def test_forme_epci():
    assert a_forme_epci("CC Cazals-Salviac")
    assert a_forme_epci("Communauté de communes de Cauvaldor")
    assert not a_forme_epci("Cazals")
    assert not a_forme_epci("Carcassonne")


@pytest.mark.parametrize(
    ("nom", "sigles"),
    [
        ("CC Grand-Figeac", {"ccgf"}),
        ("CC Causses et Vallée de la Dordogne", {"cccvd"}),
        # « sur » gardé ou omis, le mot composé pour une ou plusieurs lettres : les deux lectures.
        ("CC d'Aire-sur-l'Adour", {"ccaa", "ccasa"}),
        ("CU Grand Besançon Métropole", {"cugbm", "cugb", "gbm"}),
        ("CA Pays de Montbéliard Agglomération", {"capma", "capm", "pma"}),
        ("CC Vallée des Baux-Alpilles (CC VBA)", {"ccvba", "ccvb"}),
        ("CA de l'Albigeois (C2A)", {"c2a"}),
        ("CA ECLA  (Espace Communautaire Lons Agglomération)", {"ecla"}),
    ],
)
def test_sigles_epci(nom, sigles):
    assert sigles_epci(nom) == sigles


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("CCGF", "ccgf"),
        ("C.C.B.A.", "ccba"),
        ("CC VBA", "ccvba"),
        ("C2A", "c2a"),
        ("ccgf", ""),  # en minuscules, un mot comme un autre
        ("Gramat", ""),
        ("CC", ""),
        ("CCAS", ""),  # centre communal d'action sociale
        ("ÉCLA", ""),
    ],
)
def test_sigle_ecrit(texte, attendu):
    assert sigle_ecrit(texte) == attendu


def test_mots_significatifs():
    assert mots_significatifs(cle_epci("CC du Pays de Lalbenque-Limogne")) == ("lalbenque", "limogne")
    assert mots_significatifs(cle_epci("CA L'Agglo Foix-Varilhes")) == ("foix", "varilhes")


@pytest.mark.parametrize(
    ("nom", "type_liaison", "charniere", "article"),
    [
        ("Lot", 2, "du Lot", "le Lot"),
        ("Aveyron", 5, "de l'Aveyron", "l'Aveyron"),
        ("Haute-Garonne", 3, "de la Haute-Garonne", "la Haute-Garonne"),
        ("Vosges", 4, "des Vosges", "les Vosges"),
        ("Saône-et-Loire", 0, "de Saône-et-Loire", "Saône-et-Loire"),
        ("Orléans", 1, "d'Orléans", "Orléans"),
        ("Le Vigan", 2, "du Vigan", "le Vigan"),
        ("L'Isle-Jourdain", 5, "de l'Isle-Jourdain", "l'Isle-Jourdain"),
        ("Les Sables-d'Olonne", 4, "des Sables-d'Olonne", "les Sables-d'Olonne"),
    ],
)
def test_charniere(nom, type_liaison, charniere, article):
    assert nom_avec_charniere(nom, type_liaison) == charniere
    assert nom_avec_article(nom, type_liaison) == article


def test_ascii_rapide_identique_a_la_decomposition_caractere_par_caractere():
    """Le raccourci de `_ascii` (texte ASCII, `str.translate`) donne ce que donnait le filtre caractère par
    caractère, pour tout caractère (seul, entre deux lettres, suivi d'un accent combinant)."""
    import unicodedata

    from pvd.territoires.normalisation import _ascii

    def reference(texte: str) -> str:
        texte = texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
        decompose = unicodedata.normalize("NFKD", texte)
        return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()

    for point in [*range(0x3000), *range(0xFB00, 0xFB50), 0x1D165, 0x1E000, 0x1F600]:
        for texte in (chr(point), f"a{chr(point)}é", f"{chr(point)}\u0301", f"Saint-{chr(point)}œ"):
            assert _ascii(texte) == reference(texte), hex(point)
