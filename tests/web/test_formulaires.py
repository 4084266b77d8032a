"""Les formulaires écrits comme le DSFR les décrit : cases, messages d'erreur, fil d'Ariane, choix lisibles."""

import html as html_module
import re

import pytest
from django.urls import reverse

from pvd.programmes.models import Convention

pytestmark = pytest.mark.django_db


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


def fil_d_ariane(html: str) -> list[str]:
    fil = re.search(r'<ol class="fr-breadcrumb__list">(.*?)</ol>', html, re.S)[1]
    return [
        html_module.unescape(titre.strip())
        for titre in re.findall(r'class="fr-breadcrumb__link"[^>]*>([^<]*)</a>', fil)
    ]


def test_fil_d_ariane_complet(client_redacteur, lot):
    """Chaque page, formulaires compris, a tout son chemin : programme, région, département, convention modifiée."""
    client = client_redacteur
    lot_46 = ["Accueil", "Petites villes de demain", "Occitanie", "Lot (46)"]
    departement = reverse("programme-departement", args=["pvd", "46"])
    assert fil_d_ariane(client.get(departement).content.decode()) == lot_46
    assert fil_d_ariane(client.get(departement + "conventions/nouvelle/").content.decode()) == [
        *lot_46,
        "Nouvelle convention",
    ]
    cazals = Convention.objects.get(epci_id="200035327", type="adhesion")
    client.post(
        departement + "conventions/nouvelle/",
        {
            "type": "avenant",
            "epci": "200035327",
            "communes": [lot.laureats.get(commune_id="46066").pk],
            "parent": cazals.pk,
        },
    )
    avenant = Convention.objects.get(type="avenant")
    vers_avenant = [*lot_46, "Convention d'adhésion — CC Cazals-Salviac", "Avenant — CC Cazals-Salviac"]
    page_avenant = client.get(reverse("convention", args=[avenant.pk])).content.decode()
    assert fil_d_ariane(page_avenant) == vers_avenant
    for nom_url, courant in (
        ("convention-modifier", "Modifier"),
        ("convention-signature", "Enregistrer la signature"),
        ("convention-ajout-commune", "Ajouter une commune"),
    ):
        html = client.get(reverse(nom_url, args=[avenant.pk])).content.decode()
        assert fil_d_ariane(html) == [*vers_avenant, courant], nom_url
    assert fil_d_ariane(client.get(reverse("poste-nouveau", args=["pvd", "46"])).content.decode()) == [
        *lot_46,
        "Enregistrer un chef de projet",
    ]
    html = client.get(reverse("communique", args=["pvd", "46"]), {"date": "2021-07-27"}).content.decode()
    assert fil_d_ariane(html) == [*lot_46, "Communiqué de presse"]
    assert fil_d_ariane(client.get(reverse("tableau-de-bord", args=["pvd"])).content.decode()) == lot_46[:2]
