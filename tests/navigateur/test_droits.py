"""Parcours : un agent du Lot modifie une convention du Lot, ne peut pas modifier une convention de l'Aveyron
(la page dit pourquoi), puis se déconnecte."""

from datetime import date

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.programmes import services
from pvd.programmes.models import Convention, Evenement, Programme
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-parcours-46"


@pytest.fixture
def deux_departements(live_server, referentiel, lot_a_signer):
    pvd = Programme.objects.get(slug="pvd")
    lot_a_signer(pvd)
    trace = services.Trace(canal=Evenement.Canal.CLI)
    epci = Epci.objects.filter(departements="12").exclude(departements="46").order_by("siren").first()
    commune = Commune.objects.filter(epci=epci, population__lt=20000).order_by("code").first()
    services.laureat_register(programme=pvd, commune=commune, date_selection=date(2021, 1, 4), trace=trace)
    # Une commune du Lot y figure (exception confirmée) : l'agent du Lot la lit, sans pouvoir l'écrire (403 qui
    # dit pourquoi) ; une convention qu'il ne lirait pas lui répondrait 404, comme si elle n'existait pas.
    figeac = Commune.objects.get(code="46102")
    aveyron = services.convention_create(
        programme=pvd,
        type="adhesion",
        epci=epci,
        communes=[(commune, "laureate"), (figeac, "autre")],
        exceptions={figeac.code: "Commune voisine associée au projet."},
        trace=trace,
    )
    utilisateur_creer(
        email="agent@lot.gouv.fr", role="prefecture", departements=["46"], mot_de_passe=MOT_DE_PASSE
    )
    lot = Convention.objects.get(epci_id="200035327", type="adhesion")
    return live_server.url, lot, aveyron


@pytest.mark.erreurs_http_permises(403)
def test_agent_du_lot(deux_departements, page, capture):
    base, lot, aveyron = deux_departements
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("agent@lot.gouv.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{base}/conventions/{lot.pk}/modifier/")
    page.get_by_label("Lieu de signature").fill("Cazals")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Modifications enregistrées")

    reponse = page.goto(f"{base}/conventions/{aveyron.pk}/modifier/")
    assert reponse.status == 403
    expect(page.locator("h1")).to_have_text("Accès refusé")
    expect(page.locator("main")).to_contain_text("suivie par la préfecture de l'Aveyron")
    capture(page, "acces-refuse-aveyron")

    page.get_by_role("button", name="Se déconnecter (agent@lot.gouv.fr)").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    assert page.goto(f"{base}/conventions/{lot.pk}/").url.startswith(f"{base}/connexion/")
    lot.refresh_from_db()
    aveyron.refresh_from_db()
    assert (lot.lieu_signature, aveyron.lieu_signature) == ("Cazals", "")
