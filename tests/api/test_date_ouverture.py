"""La date d'ouverture d'une convention ne la cache pas : ni après sa signature, ni dans le futur, par l'API comme
par le formulaire (une convention signée en 2021 « ouverte » en 2030 disparaîtrait des listes jusqu'en 2030)."""

from datetime import timedelta

import pytest

from pvd.programmes.models import Convention
from pvd.programmes.selectors import aujourd_hui

pytestmark = pytest.mark.django_db


def cauvaldor() -> Convention:
    """L'adhésion de Cauvaldor, signée le 27 juillet 2021."""
    return Convention.objects.get(epci_id="200066371", type="adhesion")


def cazals() -> Convention:
    """L'adhésion de Cazals-Salviac, en élaboration."""
    return Convention.objects.get(epci_id="200035327", type="adhesion")


def patch(client, convention: Convention, date_ouverture: str):
    return client.patch(
        f"/api/v1/conventions/{convention.pk}",
        {"date_ouverture": date_ouverture},
        content_type="application/json",
        headers={"If-Match": f'"{convention.version}"'},
    )


def test_api_refuse_une_ouverture_apres_la_signature(client, lot, redacteur):
    client.force_login(redacteur)
    signee = cauvaldor()
    reponse = patch(client, signee, "2030-01-01")
    assert reponse.status_code == 422
    detail = reponse.json()["detail"]
    assert (
        detail.startswith("date_ouverture : ") and "suit la signature de la convention (27/07/2021)" in detail
    )
    apres = cauvaldor()
    assert (apres.date_ouverture, apres.version) == (signee.date_ouverture, signee.version)
    assert patch(client, signee, "2021-07-27").status_code == 200  # le jour même : accepté


def test_api_refuse_une_ouverture_dans_le_futur(client, lot, redacteur):
    client.force_login(redacteur)
    demain = (aujourd_hui() + timedelta(days=1)).isoformat()
    reponse = patch(client, cazals(), demain)
    assert reponse.status_code == 422
    assert "date_ouverture : " in reponse.json()["detail"] and "dans le futur" in reponse.json()["detail"]
    corps = {
        "type": "cadre_ort",
        "epci": "200035327",
        "communes": [{"insee": "46066"}],
        "date_ouverture": demain,
    }
    reponse = client.post("/api/v1/conventions", corps, content_type="application/json")
    assert reponse.status_code == 422
    assert "date_ouverture : " in reponse.json()["detail"]
    assert patch(client, cazals(), aujourd_hui().isoformat()).status_code == 200


def test_formulaire_pose_l_erreur_sur_le_champ(client, lot, redacteur):
    client.force_login(redacteur)
    signee = cauvaldor()
    reponse = client.post(
        f"/conventions/{signee.pk}/modifier/", {"version": signee.version, "date_ouverture": "2030-01-01"}
    )
    assert reponse.status_code == 200
    erreurs = reponse.context["formulaire"].errors
    assert "suit la signature de la convention (27/07/2021)" in erreurs["date_ouverture"][0]
    assert cauvaldor().date_ouverture == signee.date_ouverture
