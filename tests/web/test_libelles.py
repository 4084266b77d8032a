"""Ce que les pages écrivent : capitales des sigles, accords, dates à la française, rien de répété."""

import re
from datetime import date

import pytest
from django.urls import reverse

from pvd.programmes import services
from pvd.programmes.models import Convention, Evenement

pytestmark = pytest.mark.django_db


def cazals():
    return Convention.objects.get(epci_id="200035327", type="adhesion")


def test_convention_cadre_valant_ort_en_capitales(client_lecteur, lot):
    cadre = Convention.objects.filter(type="cadre_ort", epci_id="200067361").get()
    html = client_lecteur.get(reverse("convention", args=[cadre.pk])).content.decode()
    assert "<h1>Convention-cadre valant ORT — CC Grand-Figeac</h1>" in html
    assert "valant ort" not in html
    assert "Convention-cadre valant ORT créée" in html  # l'historique


def test_un_avenant_est_cree_et_signe_au_masculin(client, lot, redacteur):
    client.force_login(redacteur)
    reponse = client.post(
        reverse("convention-nouvelle", args=["pvd", "46"]),
        {
            "type": "avenant",
            "epci": "200035327",
            "communes": [lot.laureats.get(commune_id="46066").pk],
            "parent": cazals().pk,
        },
    )
    avenant = Convention.objects.get(type="avenant")
    assert reponse.url == reverse("convention", args=[avenant.pk])
    html = client.get(reponse.url).content.decode()
    assert "Avenant créé : CC Cazals-Salviac" in html
    assert "pas encore signé<" in html
    assert "non publié<" in html
    assert "créée" not in html


def test_premier_du_mois_et_signature_prevue_non_renseignee(client_lecteur, lot):
    convention = cazals()
    services.convention_update(
        convention=convention,
        version=convention.version,
        champs={"date_signature_prevue": date(2024, 1, 1)},
        trace=services.Trace(canal=Evenement.Canal.CLI),
    )
    html = client_lecteur.get(reverse("convention", args=[convention.pk])).content.decode()
    assert "1er janvier 2024" in html
    assert "1 janvier" not in html
    assert "Convention modifiée : date de signature prévue" in html  # pas le nom technique du champ
    html = client_lecteur.get("/programmes/pvd/departements/46/").content.decode()
    assert "signature prévue le 1er janvier 2024" in html
    services.convention_update(
        convention=convention,
        version=convention.version,
        champs={"date_signature_prevue": None},
        trace=services.Trace(canal=Evenement.Canal.CLI),
    )
    html = client_lecteur.get("/programmes/pvd/departements/46/").content.decode()
    assert "signature prévue : non renseignée" in html


def test_un_etat_n_est_jamais_ecrit_deux_fois(client_lecteur, lot):
    """Le badge dit l'état ; le texte à côté n'ajoute que ce qu'il ne dit pas (jamais « NON RENSEIGNÉ non renseigné »)."""
    html = client_lecteur.get("/programmes/pvd/departements/46/").content.decode()
    texte = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for etat in ("non renseigné", "en cours", "à venir", "en retard"):
        assert f"{etat} {etat}" not in texte


def test_signataire_de_l_epci_presidente_ou_president(client, lot, redacteur):
    client.force_login(redacteur)
    convention = cazals()
    reponse = client.post(
        reverse("convention-signature", args=[convention.pk]),
        {
            "version": convention.version,
            "date_signature": "2021-10-05",
            "etat_qualite": "préfet du Lot",
            "collectivites": "on",
        },
    )
    assert reponse.status_code == 302
    html = client.get(reverse("convention", args=[convention.pk])).content.decode()
    assert "présidente ou président de CC Cazals-Salviac" in html
    assert "présidence de" not in html
