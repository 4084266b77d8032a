"""Les dates calculées du programme : une seule règle, et jamais un jour qui n'existe pas."""

import csv
import io
from datetime import date

import pytest

from pvd.programmes.dates import ajouter_annees, ajouter_mois
from pvd.programmes.models import Convention
from pvd.publication.exports import produire


@pytest.mark.parametrize(
    ("depart", "annees", "attendu"),
    [
        (date(2024, 2, 29), 5, date(2029, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2023, 10, 17), 5, date(2028, 10, 17)),
    ],
)
def test_ajouter_annees(depart, annees, attendu):
    assert ajouter_annees(depart, annees) == attendu


def test_ajouter_mois_ramene_au_dernier_jour():
    assert ajouter_mois(date(2021, 8, 31), 6) == date(2022, 2, 28)
    assert ajouter_mois(date(2022, 1, 31), 18) == date(2023, 7, 31)


def test_fin_estimee_d_une_convention():
    assert Convention(date_signature=date(2024, 2, 29), duree_annees=5).date_fin_estimee == date(2029, 2, 28)
    assert Convention(date_signature=date(2024, 2, 29)).date_fin_estimee is None
    assert Convention(duree_annees=5).date_fin_estimee is None


@pytest.fixture
def ort_du_29_fevrier(lot):
    """L'ORT de Gourdon, datée pour le test d'un 29 février (année bissextile), durée 5 ans."""
    ort = Convention.objects.get(type="cadre_ort", communes__commune_id="46127")
    Convention.objects.filter(pk=ort.pk).update(
        date_signature=date(2024, 2, 29), date_ouverture=date(2024, 2, 29)
    )
    return ort


def test_page_et_export_d_une_convention_signee_un_29_fevrier(client_lecteur, ort_du_29_fevrier):
    reponse = client_lecteur.get(f"/conventions/{ort_du_29_fevrier.pk}/")
    assert reponse.status_code == 200
    assert "fin estimée le 28 février 2029" in reponse.content.decode()

    contenu, _ = produire("ort", "csv", programme=ort_du_29_fevrier.programme, au=date(2026, 11, 28))
    lignes = {ligne["Code commune"]: ligne for ligne in csv.DictReader(io.StringIO(contenu.decode("utf-8")))}
    assert lignes["46127"]["Date de fin estimée"] == "2029-02-28"
