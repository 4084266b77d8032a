"""Parcours du plan d'action : un chef de projet de Cauvaldor crée une fiche action et son plan de financement ; le
public voit le plan publié de la convention-cadre, sans les demandes encore envisagées ; accessibilité des pages."""

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Convention, Programme

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-chef-de-projet-1"
CAUVALDOR = "200066371"


@pytest.fixture
def plan_en_ligne(live_server, referentiel, lot_a_signer):
    lot_a_signer(Programme.objects.get(slug="pvd"))
    utilisateur_creer(
        email="cdp@cauvaldor.fr", role="collectivite", epcis=[CAUVALDOR], mot_de_passe=MOT_DE_PASSE
    )
    cadre = (
        Convention.objects.filter(epci_id=CAUVALDOR, type="cadre_ort", publie=True)
        .order_by("date_signature", "pk")
        .first()
    )
    return live_server.url, cadre


def test_chef_de_projet_cree_une_fiche_et_le_public_la_voit(
    plan_en_ligne, navigateur, page, verifier_accessibilite
):
    base, cadre = plan_en_ligne
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("cdp@cauvaldor.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter (cdp@cauvaldor.fr)")).to_be_visible()

    page.goto(f"{base}/conventions/{cadre.pk}/")
    page.get_by_role("link", name="Voir les fiches actions et leur financement").click()
    expect(page.locator("h1")).to_have_text("Plan d'action")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    page.get_by_role("link", name="Ajouter une fiche action").click()
    page.get_by_label("Numéro").fill("1.1")
    page.get_by_label("Intitulé").fill("Réhabilitation de la halle de Gramat")
    page.get_by_label("Axe").select_option(label="Développement économique et commercial")
    page.get_by_label("Maître d'ouvrage", exact=True).select_option(label="Gramat")
    page.get_by_label("Fin prévue").fill("2026-11-15")
    page.get_by_label("Précision de la fin").select_option(label="année")
    page.get_by_label("Coût HT (€)").fill("400 000")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    page.get_by_role("button", name="Créer la fiche").click()
    expect(page.get_by_role("status")).to_contain_text("Fiche action 1.1 ajoutée")

    for financeur, dispositif, montant, statut in (
        ("État", "Dotation d'équipement des territoires ruraux (DETR)", "160 000", "sollicitée"),
        ("Banque des Territoires", "Banque des Territoires — ingénierie", "40 000", "envisagée"),
        ("Gramat (maître d'ouvrage : autofinancement)", "Autofinancement", "200 000", "envisagée"),
    ):
        page.get_by_role("link", name="Ajouter une ligne de financement").click()
        page.get_by_label("Financeur", exact=True).select_option(label=financeur)
        page.get_by_label("Dispositif").select_option(label=dispositif)
        page.get_by_label("Montant (€)").fill(montant)
        page.get_by_label("Statut").select_option(label=statut)
        if statut == "sollicitée":
            page.get_by_label("Date de la demande").fill("2026-01-15")
        page.get_by_role("button", name="Ajouter la ligne").click()
        expect(page.get_by_role("status").filter(has_text="Ligne de financement ajoutée")).to_be_visible()
    tableau = page.locator("table", has_text="Lignes de financement")
    expect(tableau.locator("tfoot")).to_contain_text("400\u202f000 €")
    expect(tableau.locator("tfoot")).to_contain_text("reste à financer : 0 €")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))

    public = navigateur.new_context(locale="fr-FR").new_page()
    public.goto(f"{base}/donnees/pvd/conventions/{cadre.pk}/plan-d-action/")
    expect(public.locator("main")).to_contain_text("Réhabilitation de la halle de Gramat")
    expect(public.locator("main")).to_contain_text("160\u202f000 €")
    expect(public.locator("main")).not_to_contain_text("Banque des Territoires")
    public.context.close()
