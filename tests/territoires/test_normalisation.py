import pytest

from pvd.territoires.charniere import nom_avec_article, nom_avec_charniere
from pvd.territoires.normalisation import a_forme_epci, cle, cle_epci


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
