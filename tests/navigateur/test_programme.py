"""Parcours du programme : signer la convention de Cazals-Salviac avec son PDF, voir le tableau de bord bouger ;
une seconde personne qui modifie la même convention reçoit le message de conflit ; accessibilité des pages."""

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Convention, Programme

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-parcours-1"


@pytest.fixture
def lot_en_ligne(live_server, referentiel, lot_a_signer):
    lot_a_signer(Programme.objects.get(slug="pvd"))
    utilisateur_creer(
        email="agent46@lot.gouv.fr", role="prefecture", departements=["46"], mot_de_passe=MOT_DE_PASSE
    )
    return live_server.url


def se_connecter(page, base):
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("agent46@lot.gouv.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter (agent46@lot.gouv.fr)")).to_be_visible()


def test_signer_cazals_salviac(lot_en_ligne, page, tmp_path, pdf, capture, verifier_accessibilite):
    base = lot_en_ligne
    se_connecter(page, base)
    page.goto(base + "/programmes/pvd/")
    expect(page.locator("#chiffre-adhesions")).to_have_text("18")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))

    page.goto(base + "/programmes/pvd/departements/46/")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    bloc = page.locator("h3", has_text="CC Cazals-Salviac").locator("xpath=following-sibling::ul[1]")
    bloc.get_by_role("link", name="Convention d'adhésion").click()
    expect(page.locator("h1")).to_have_text("Convention d'adhésion — CC Cazals-Salviac")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))

    page.get_by_role("link", name="Enregistrer la signature").click()
    page.get_by_label("Date de signature").fill("2021-10-05")
    page.get_by_label("Signataire pour l'État : nom").fill("Michel Prosic")
    fichier = tmp_path / "convention-cazals-salviac.pdf"
    fichier.write_bytes(pdf)
    page.get_by_label("Convention signée (PDF)").set_input_files(str(fichier))
    page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_role("status")).to_contain_text("Signature du 05/10/2021 enregistrée")
    expect(page.locator("main")).to_contain_text("Michel Prosic")
    capture(page, "convention-cazals-salviac-signee")

    page.goto(base + "/programmes/pvd/")
    expect(page.locator("#chiffre-adhesions")).to_have_text("20")
    capture(page, "tableau-de-bord-apres-signature")


def test_conflit_entre_deux_personnes(lot_en_ligne, navigateur, page):
    base = lot_en_ligne
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    url = f"{base}/conventions/{convention.pk}/modifier/"
    autre_contexte = navigateur.new_context(locale="fr-FR")
    autre = autre_contexte.new_page()
    try:
        for p in (page, autre):
            se_connecter(p, base)
            p.goto(url)
        page.get_by_label("Lieu de signature").fill("Cazals")
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("Modifications enregistrées")

        autre.get_by_label("Lieu de signature").fill("Salviac")
        autre.get_by_role("button", name="Enregistrer").click()
        expect(autre.locator("#conflit")).to_contain_text("Vos modifications n'ont pas été enregistrées")
        expect(autre.locator("#conflit")).to_contain_text("Lieu de signature : vide → « Cazals »")
        expect(autre.get_by_label("Lieu de signature")).to_have_value("Salviac")
    finally:
        autre_contexte.close()
    convention.refresh_from_db()
    assert convention.lieu_signature == "Cazals"
