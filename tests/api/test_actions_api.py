"""API du plan d'action : liste filtrée, détail avec ETag, création et modification sous If-Match, public."""

from datetime import date

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, FicheAction, Organisation
from pvd.programmes.models import Evenement
from pvd.programmes.services import publication_definir
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
CAUVALDOR = "200066371"


@pytest.fixture
def fiche(cadre):
    gramat = Commune.objects.get(code="46128")
    fiche = services.fiche_create(
        convention=cadre,
        numero="3.1",
        intitule="Pôle d'échanges multimodal",
        axe=Axe.objects.get(code="accessibilite-mobilites"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="500000",
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="État"),
        dispositif=Dispositif.objects.get(code="dsil"),
        montant="200000",
        statut="sollicitee",
        date_demande=date(2024, 2, 1),
        trace=TRACE,
    )
    services.ligne_create(fiche=fiche, financeur=gramat, montant="100000", trace=TRACE)
    return fiche


@pytest.fixture
def cdp(client, db):
    client.force_login(utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=[CAUVALDOR]))
    return client


def test_liste_filtree_et_detail_avec_etag(cdp, fiche, django_assert_max_num_queries):
    # session et périmètre (7), programme (3), total et page (2), communes, partenaires, états, lignes (4)
    with django_assert_max_num_queries(19):
        reponse = cdp.get("/api/v1/fiches-actions?departement=46&dispositif=dsil&axe=accessibilite-mobilites")
    assert reponse.status_code == 200
    corps = reponse.json()
    assert corps["total"] == 1 and corps["resultats"][0]["numero"] == "3.1"
    assert {ligne["statut"] for ligne in corps["resultats"][0]["lignes"]} == {"sollicitee", "envisagee"}
    assert cdp.get("/api/v1/fiches-actions?etat=realisee").json()["total"] == 0
    assert cdp.get("/api/v1/fiches-actions?etat=a_l_etude&commune=46128").json()["total"] == 1
    assert cdp.get("/api/v1/fiches-actions?au=2020-01-01").json()["total"] == 0
    detail = cdp.get(f"/api/v1/fiches-actions/{fiche.pk}")
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    assert detail.json()["total_financement"] == "300000.00"
    assert (
        any("L1111-10" not in a for a in detail.json()["avertissements"])
        or detail.json()["avertissements"] == []
    )


def test_le_public_ne_voit_pas_les_lignes_envisagees(client, fiche, cadre):
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    corps = client.get(f"/api/v1/fiches-actions/{fiche.pk}").json()
    assert [ligne["statut"] for ligne in corps["lignes"]] == ["sollicitee"]
    assert corps["avertissements"] == []
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    assert client.get(f"/api/v1/fiches-actions/{fiche.pk}").status_code == 404


def test_creer_puis_modifier_sous_if_match(cdp, cadre, fiche):
    reponse = cdp.post(
        "/api/v1/fiches-actions",
        {
            "convention": cadre.pk,
            "numero": "3.2",
            "intitule": "Voie verte",
            "axe": "accessibilite-mobilites",
            "maitre_ouvrage": {"epci": CAUVALDOR},
            "communes": ["46309"],
            "cout_ht": "75000",
            "date_fin": "2027-05-10",
            "precision_fin": "mois",
        },
        content_type="application/json",
    )
    assert reponse.status_code == 201, reponse.content
    pk = reponse.json()["id"]
    assert reponse.json()["date_fin"] == "2027-05-01"
    url = f"/api/v1/fiches-actions/{pk}"
    assert cdp.patch(url, {"intitule": "X"}, content_type="application/json").status_code == 428
    ok = cdp.patch(
        url,
        {"intitule": "Voie verte de la Dordogne"},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200 and ok["ETag"] == '"2"'
    perime = cdp.patch(
        url, {"intitule": "Autre"}, content_type="application/json", headers={"If-Match": '"1"'}
    )
    assert perime.status_code == 412 and perime.json()["intitule"] == "Voie verte de la Dordogne"
    refus = cdp.patch(url, {"numero": "3.1"}, content_type="application/json", headers={"If-Match": '"2"'})
    assert refus.status_code == 422 and "3.1" in refus.json()["detail"]
    assert FicheAction.objects.get(pk=pk).numero == "3.2"
