"""Les formulaires écrits comme le DSFR les décrit : cases, messages d'erreur, fil d'Ariane, choix lisibles."""

import re

import pytest
from django.urls import reverse

from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(db):
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    return programme


@pytest.fixture
def client_redacteur(client, redacteur):
    client.force_login(redacteur)
    return client


def test_cases_a_cocher_du_dsfr(client_redacteur, lot):
    html = client_redacteur.get(reverse("convention-nouvelle", args=["pvd", "46"])).content.decode()
    case = re.search(
        r'<div class="fr-checkbox-group">\s*<input type="checkbox" name="communes"[^>]*>\s*<label', html
    )
    assert case, "chaque case dans son fr-checkbox-group, son libellé après elle"
    assert 'class="fr-fieldset' in html
    assert re.search(r"<label[^>]*>\s*<input", html) is None  # la case n'est pas dans son libellé
    assert 'dsfr="dsfr"' not in html


def test_messages_d_erreur_du_dsfr(client_redacteur, lot):
    reponse = client_redacteur.post(reverse("convention-nouvelle", args=["pvd", "46"]), {"type": "adhesion"})
    html = reponse.content.decode()
    assert '<p class="fr-message fr-message--error">Ce champ est obligatoire.</p>' in html
    assert 'class="errorlist' not in html
    assert "fr-fieldset--error" in html


def test_conventions_modifiees_par_un_avenant_se_distinguent(client_redacteur, lot):
    """Cauvaldor a signé deux conventions-cadres (Gramat et Souillac, puis les cinq autres) : type, EPCI et date."""
    formulaire = client_redacteur.get(reverse("convention-nouvelle", args=["pvd", "46"])).context[
        "formulaire"
    ]
    choix = [str(libelle) for valeur, libelle in formulaire.fields["parent"].choices if valeur]
    assert len(choix) == len(set(choix))
    assert (
        "Convention-cadre valant ORT — CC Causses et Vallée de la Dordogne — signée le 9 février 2023"
        in choix
    )
    assert "Convention d'adhésion — CC Cazals-Salviac — en élaboration" in choix
    assert choix.index(
        "Convention d'adhésion — CC de la Vallée du Lot et du Vignoble — signée le 27 juillet 2021"
    ) < (choix.index("Convention d'adhésion — CC Grand-Figeac — signée le 27 juillet 2021"))
    assert Convention.objects.filter(type="cadre_ort", epci_id="200066371").count() == 2
