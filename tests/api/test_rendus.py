"""Les listes écrites directement en JSON (`pvd.api.rendus`) rendent, octet pour octet, ce que rendaient les
schémas de l'API passés par django-ninja, et ce contenu se valide contre ces schémas (l'OpenAPI publié)."""

import json
from datetime import date

import jsonschema
import pytest
from ninja.responses import NinjaJSONEncoder

from pvd.accounts.services import utilisateur_creer
from pvd.api.api import api
from pvd.api.pagination import paginer
from pvd.api.schemas.programmes import (
    FiltresConventions,
    FiltresLaureats,
    LaureatSchema,
    PageConventions,
    PageLaureats,
)
from pvd.api.schemas.territoires import FiltresCommunes, FiltresEpci, PageCommunes, PageEpci
from pvd.programmes import jalons, selectors
from pvd.programmes.models import Convention
from pvd.territoires.selectors import communes_filtrees, epcis_filtres

pytestmark = pytest.mark.django_db


def _valide(reponse, schema: str) -> None:
    """Le contenu se valide contre le schéma publié dans l'OpenAPI (`/api/v1/openapi.json`)."""
    composants = api.get_openapi_schema()["components"]
    jsonschema.validate(reponse.json(), {"$ref": f"#/components/schemas/{schema}", "components": composants})


def _par_les_schemas(modele) -> bytes:
    """Ce qu'écrit django-ninja d'un schéma rempli (`Operation._result_to_response`, puis `JSONRenderer`)."""
    return json.dumps(modele.model_dump(), cls=NinjaJSONEncoder).encode()


def _laureats_attendus(programme, utilisateur, public: bool, **params) -> bytes:
    filtres = FiltresLaureats(**params)
    au = filtres.au or selectors.aujourd_hui()
    qs = selectors.laureats(programme, au, departement=filtres.departement or "", utilisateur=utilisateur)
    page = paginer(qs, filtres, au=au)
    suivis = jalons.avancements(programme, page["resultats"], au, publiques=public)
    return _par_les_schemas(PageLaureats.model_validate(page, context=LaureatSchema.contexte(suivis)))


def _conventions_attendues(programme, utilisateur, **params) -> bytes:
    filtres = FiltresConventions(**params)
    au = filtres.au or selectors.aujourd_hui()
    qs = selectors.conventions(
        programme, au, departement=filtres.departement or "", type=filtres.type or "", utilisateur=utilisateur
    )
    return _par_les_schemas(PageConventions.model_validate(paginer(qs, filtres, au=au), context={"au": au}))


@pytest.fixture
def national(client, lot):
    utilisateur = utilisateur_creer(email="national@anct.test", role="national")
    client.force_login(utilisateur)
    return client, utilisateur


DEMANDES_LAUREATS = [
    {"departement": "46", "au": date(2021, 7, 27)},
    {"departement": "46"},
    {"au": date(2024, 1, 1), "limit": 7, "offset": 3},
    {"au": date(2019, 1, 1)},
]


@pytest.mark.parametrize("params", DEMANDES_LAUREATS)
def test_laureats_identiques_aux_schemas(national, lot, params):
    client, utilisateur = national
    reponse = client.get("/api/v1/laureats", params)
    assert reponse["Content-Type"] == "application/json; charset=utf-8"
    assert reponse.content == _laureats_attendus(lot, utilisateur, False, **params)
    _valide(reponse, "PageLaureats")


def test_laureats_publics_identiques_aux_schemas(client, lot):
    from django.contrib.auth.models import AnonymousUser

    reponse = client.get("/api/v1/laureats", {"departement": "46"})
    assert reponse.content == _laureats_attendus(lot, AnonymousUser(), True, departement="46")


def test_laureats_au_dela_de_la_liste_in(national, lot, monkeypatch):
    """Au-delà de `LISTE_IN_JALONS` lauréats, les jalons lisent tout le programme : même réponse."""
    client, utilisateur = national
    avant = client.get("/api/v1/laureats", {"departement": "46"}).content
    monkeypatch.setattr(jalons, "LISTE_IN_JALONS", 2)
    assert client.get("/api/v1/laureats", {"departement": "46"}).content == avant
    assert avant == _laureats_attendus(lot, utilisateur, False, departement="46")


DEMANDES_CONVENTIONS = [
    {"departement": "46", "au": date(2021, 7, 27)},
    {"departement": "46", "au": date(2021, 7, 26), "type": "adhesion"},
    {"departement": "46"},
    {"limit": 4, "offset": 2, "type": "cadre_ort"},
]


@pytest.mark.parametrize("params", DEMANDES_CONVENTIONS)
def test_conventions_identiques_aux_schemas(national, lot, params):
    client, utilisateur = national
    Convention.objects.filter(epci_id="200066371", type="adhesion").update(
        statut="resiliee", date_resiliation=date(2025, 1, 1)
    )
    reponse = client.get("/api/v1/conventions", params)
    assert reponse.content == _conventions_attendues(lot, utilisateur, **params)
    _valide(reponse, "PageConventions")


def test_conventions_publiques_identiques_aux_schemas(client, lot):
    from django.contrib.auth.models import AnonymousUser

    Convention.objects.filter(epci_id="200066371").update(publie=True)
    reponse = client.get("/api/v1/conventions", {"departement": "46"})
    assert reponse.json()["total"] > 0
    assert reponse.content == _conventions_attendues(lot, AnonymousUser(), departement="46")


@pytest.mark.parametrize(
    "params",
    [
        {"departement": "46", "limit": 500},
        {"nom": "cahors"},
        {"epci": "200066371", "offset": 5},
        {"limit": 3},
    ],
)
def test_communes_identiques_aux_schemas(client, params):
    reponse = client.get("/api/v1/communes", params)
    filtres = FiltresCommunes(**params)
    qs = communes_filtrees(
        departement=filtres.departement or "", epci=filtres.epci or "", nom=filtres.nom or ""
    )
    assert reponse.json()["total"] > 0
    assert reponse.content == _par_les_schemas(PageCommunes.model_validate(paginer(qs, filtres)))
    _valide(reponse, "PageCommunes")


@pytest.mark.parametrize(
    "params",
    [
        {"departement": "46"},
        {"limit": 500, "offset": 100},
        {"nature": "CA", "nom": "agglo"},
        {"departement": "12"},
    ],
)
def test_epci_identiques_aux_schemas(client, params):
    reponse = client.get("/api/v1/epci", params)
    filtres = FiltresEpci(**params)
    qs = epcis_filtres(
        departement=filtres.departement or "", nature=filtres.nature or "", nom=filtres.nom or ""
    )
    assert reponse.json()["total"] > 0
    assert any(len(e["departements"]) > 1 for e in reponse.json()["resultats"])
    assert reponse.content == _par_les_schemas(PageEpci.model_validate(paginer(qs, filtres)))
    _valide(reponse, "PageEpci")


def test_outremer_sans_epci_identique(client):
    """Une commune sans EPCI (îles) : `epci` vaut null, comme par le schéma."""
    reponse = client.get("/api/v1/communes", {"departement": "29", "nom": "sein"})
    assert any(c["epci"] is None for c in reponse.json()["resultats"])


@pytest.fixture
def fiches(cadre):
    """Deux fiches de Cauvaldor : lignes sollicitée, envisagée et refusée, un partenaire, un changement d'état."""
    from pvd.actions import services
    from pvd.actions.models import Axe, Dispositif, Organisation
    from pvd.programmes.models import Evenement
    from pvd.territoires.models import Commune

    trace = services.Trace(canal=Evenement.Canal.CLI)
    gramat, souillac = Commune.objects.get(code="46128"), Commune.objects.get(code="46309")
    etat = Organisation.objects.get(nom="État")
    premiere = services.fiche_create(
        convention=cadre,
        numero="3.1",
        intitule="Pôle d'échanges multimodal",
        axe=Axe.objects.get(code="accessibilite-mobilites"),
        maitre_ouvrage=gramat,
        communes=[gramat, souillac],
        cout_ht="500000.50",
        date_fin=date(2024, 6, 30),
        trace=trace,
    )
    services.ligne_create(
        fiche=premiere,
        financeur=etat,
        dispositif=Dispositif.objects.get(code="dsil"),
        montant="200000",
        statut="sollicitee",
        date_demande=date(2024, 2, 1),
        trace=trace,
    )
    services.ligne_create(fiche=premiere, financeur=gramat, montant="100000.25", trace=trace)
    seconde = services.fiche_create(
        convention=cadre,
        numero="1.2",
        intitule="Halle",
        axe=Axe.objects.get(code="accessibilite-mobilites"),
        maitre_ouvrage=souillac,
        communes=[souillac],
        trace=trace,
    )
    services.ligne_create(fiche=seconde, financeur=souillac, montant="1000", trace=trace)
    return cadre


@pytest.mark.parametrize("au", [None, date(2019, 1, 1)])
def test_fiches_identiques_aux_schemas(national, fiches, au):
    from django.contrib.auth.models import AnonymousUser

    from pvd.accounts import perimetres
    from pvd.actions import selectors as actions
    from pvd.actions.models import FicheAction
    from pvd.api.schemas.actions import FiltresFiches, PageFiches
    from pvd.programmes.services import publication_definir

    client, utilisateur = national
    params = {"au": au} if au else {}
    for public in (False, True):
        if public:
            client.logout()
            publication_definir(objets=[fiches], publie=True, trace=None)
            utilisateur = AnonymousUser()
        reponse = client.get("/api/v1/fiches-actions", params)
        jour = au or selectors.aujourd_hui()
        qs = FicheAction.objects.filter(convention__programme__slug="pvd").existantes_au(jour)
        qs = actions.fiches(perimetres.fiches_visibles(utilisateur, qs))
        page = paginer(
            qs.distinct().order_by("convention_id", "numero", "pk"), FiltresFiches(**params), au=jour
        )
        attendu = PageFiches.model_validate(page, context={"au": jour, "public": public})
        assert reponse.content == _par_les_schemas(attendu)
        assert len(reponse.json()["resultats"]) == (0 if au else 2)
        _valide(reponse, "PageFiches")


@pytest.mark.parametrize(
    "adresse",
    ["/api/v1/laureats", "/api/v1/conventions", "/api/v1/fiches-actions", "/api/v1/communes", "/api/v1/epci"],
)
def test_listes_a_nombre_de_requetes_fixe(national, fiches, adresse):
    """Autant de requêtes pour une page de 2 que pour une page de 500 (pas une requête par objet)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _ = national
    comptes = []
    for limite in (2, 500):
        client.get(adresse, {"limit": limite, "departement": "46"})  # session et périmètre déjà lus
        with CaptureQueriesContext(connection) as capture:
            assert client.get(adresse, {"limit": limite, "departement": "46"}).status_code == 200
        comptes.append(len(capture))
    assert comptes[0] == comptes[1] <= 15, comptes
