"""Créer un avenant ne dit pas si une convention existe hors du périmètre de lecture : la réponse est la même que
pour une convention qui n'existe pas (même statut, même message), par l'API comme par le formulaire."""

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Convention
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
INEXISTANTE = 999999


@pytest.fixture
def agent_aveyron(db):
    return utilisateur_creer(email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"])


@pytest.fixture
def epci_aveyron():
    return Epci.objects.filter(departements="12").exclude(departements="46").order_by("siren").first()


def cazals_salviac() -> Convention:
    """Une adhésion du Lot (Cazals-Salviac), qu'un agent de l'Aveyron ne lit pas."""
    return Convention.objects.get(epci_id="200035327", type="adhesion")


def test_api_meme_reponse_qu_une_convention_inexistante(client, lot, agent_aveyron, epci_aveyron):
    client.force_login(agent_aveyron)
    commune = Commune.objects.filter(epci=epci_aveyron).order_by("code").first()
    cachee = cazals_salviac()
    assert client.get(f"/api/v1/conventions/{cachee.pk}").status_code == 404

    def creer(parent: int):
        corps = {
            "type": "avenant",
            "epci": epci_aveyron.siren,
            "communes": [{"insee": commune.code}],
            "parent": parent,
        }
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json")
        return reponse.status_code, reponse.json()["detail"].replace(str(parent), "N")

    assert creer(cachee.pk) == creer(INEXISTANTE)
    assert creer(INEXISTANTE)[0] == 422
    assert Convention.objects.filter(type="avenant").count() == 0


def test_formulaire_meme_reponse_qu_une_convention_inexistante(client, lot, agent_aveyron, epci_aveyron):
    client.force_login(agent_aveyron)

    def creer(parent: int) -> tuple[int, list[str]]:
        reponse = client.post(
            "/programmes/pvd/departements/12/conventions/nouvelle/",
            {"type": "avenant", "epci": epci_aveyron.siren, "parent": parent},
        )
        erreurs = reponse.context["formulaire"].errors.get("parent", [])
        return reponse.status_code, [e.replace(str(parent), "N") for e in erreurs]

    assert creer(cazals_salviac().pk) == creer(INEXISTANTE)
    assert creer(INEXISTANTE)[1]


def test_ecrire_une_convention_cachee_comme_une_inexistante(client, lot, agent_aveyron):
    """Modifier ou signer une convention qu'on ne lit pas : 404 comme une convention qui n'existe pas (pas le 403
    d'une convention qu'on lit sans pouvoir l'écrire, qui dirait qu'elle existe)."""
    client.force_login(agent_aveyron)
    cachee = cazals_salviac()

    def ecrire(pk: int) -> list:
        modifier = client.patch(
            f"/api/v1/conventions/{pk}",
            {"lieu_signature": "Rodez"},
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        signer = client.post(
            f"/api/v1/conventions/{pk}/signature",
            {"date_signature": "2022-05-02", "signataires": '[{"partie": "etat", "qualite": "préfet"}]'},
            headers={"If-Match": '"1"'},
        )
        pages = [
            client.get(f"/conventions/{pk}/{suite}").status_code
            for suite in ("modifier/", "communes/ajouter/", "signature/")
        ]
        return [(r.status_code, r.json()["detail"].replace(str(pk), "N")) for r in (modifier, signer)] + pages

    assert ecrire(cachee.pk) == ecrire(INEXISTANTE)
    assert ecrire(INEXISTANTE)[0][0] == 404
    assert Convention.objects.get(pk=cachee.pk).lieu_signature == cachee.lieu_signature
