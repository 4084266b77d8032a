"""L'ordre alphabétique français : « Bétaille » avant « Bretenoux », le même sur SQLite et sur PostgreSQL."""

import pytest

from pvd.territoires.models import Commune, Epci
from pvd.territoires.tri import cle_de_tri, trier


@pytest.mark.parametrize(
    ("nom", "cle"),
    [
        ("Bétaille", "betaille"),
        ("Puy-l'Évêque", "puy l eveque"),
        ("Puy-l’Évêque", "puy l eveque"),
        ("Œuilly", "oeuilly"),
        ("CC de la Vallée du Lot et du Vignoble", "cc de la vallee du lot et du vignoble"),
        ("  Saint-Céré ", "saint cere"),
    ],
)
def test_cle_de_tri(nom, cle):
    assert cle_de_tri(nom) == cle


def test_ordre_mot_a_mot_sans_accents_ni_casse():
    noms = ["Saintes", "Bretenoux", "Saint-Sozy", "Œuilly", "Bétaille", "Saint-Céré", "Odenas", "Béduer"]
    assert trier(noms, str) == [
        "Béduer",
        "Bétaille",
        "Bretenoux",
        "Odenas",
        "Œuilly",
        "Saint-Céré",
        "Saint-Sozy",
        "Saintes",
    ]


@pytest.mark.django_db
def test_l_import_pose_la_cle_et_la_base_trie_en_francais():
    assert Commune.objects.get(code="46028").cle_tri == "betaille"
    noms = list(Commune.objects.filter(code__in=["46038", "46028", "46021"]).values_list("nom", flat=True))
    assert noms == ["Béduer", "Bétaille", "Bretenoux"]
    epcis = list(Epci.objects.filter(siren__in=["200067361", "244600433"]).values_list("nom", flat=True))
    assert epcis == ["CC de la Vallée du Lot et du Vignoble", "CC Grand-Figeac"]


@pytest.mark.django_db
def test_un_enregistrement_par_l_orm_recalcule_la_cle():
    commune = Commune.objects.get(code="46028")
    commune.nom = "Écluse"
    commune.save()
    assert Commune.objects.get(code="46028").cle_tri == "ecluse"
