"""Parcours du plan d'action : un chef de projet de Cauvaldor crée une fiche action, son plan de financement et une
étape ; la Banque des Territoires (partenaire) marque sa ligne « accordée » — et ne peut modifier que la sienne ; le
public voit le plan publié de la convention-cadre, sans les demandes encore envisagées ; accessibilité des pages."""

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import profil_organisation_definir, utilisateur_creer
from pvd.actions.models import Organisation
from pvd.programmes.models import Convention, Programme

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-chef-de-projet-1"
MOT_DE_PASSE_BDT = "mot-de-passe-du-partenaire-1"
CAUVALDOR = "200066371"


@pytest.fixture
def plan_en_ligne(live_server, referentiel, lot_a_signer):
    lot_a_signer(Programme.objects.get(slug="pvd"))
    utilisateur_creer(
        email="cdp@cauvaldor.fr", role="collectivite", epcis=[CAUVALDOR], mot_de_passe=MOT_DE_PASSE
    )
    profil_organisation_definir(
        utilisateur=utilisateur_creer(email="agent@bdt.fr", role="partenaire", mot_de_passe=MOT_DE_PASSE_BDT),
        organisation=Organisation.objects.get(nom="Banque des Territoires"),
    )
    cadre = (
        Convention.objects.filter(epci_id=CAUVALDOR, type="cadre_ort", publie=True)
        .order_by("date_signature", "pk")
        .first()
    )
    return live_server.url, cadre


def connecter(page, base: str, email: str, mot_de_passe: str) -> None:
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(email)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name=f"Se déconnecter ({email})")).to_be_visible()


def test_chef_de_projet_cree_une_fiche_le_partenaire_accorde_et_le_public_la_voit(
    plan_en_ligne, navigateur, page, verifier_accessibilite
):
    base, cadre = plan_en_ligne
    connecter(page, base, "cdp@cauvaldor.fr", MOT_DE_PASSE)

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

    # Le suivi : une étape, ajoutée puis faite.
    page.get_by_role("link", name="Ajouter une étape").click()
    page.get_by_label("Intitulé de l'étape").fill("Choix de la maîtrise d'œuvre")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").filter(has_text="Étape ajoutée")).to_be_visible()
    page.get_by_role("button", name="Marquer comme faite : Choix de la maîtrise d'œuvre").click()
    expect(page.get_by_role("status").filter(has_text="marquée faite")).to_be_visible()
    expect(page.get_by_role("button", name="Marquer à faire : Choix de la maîtrise d'œuvre")).to_be_visible()
    fiche_url = page.url.split("#")[0]

    public = navigateur.new_context(locale="fr-FR").new_page()
    public.goto(f"{base}/donnees/pvd/conventions/{cadre.pk}/plan-d-action/")
    expect(public.locator("main")).to_contain_text("Réhabilitation de la halle de Gramat")
    expect(public.locator("main")).to_contain_text("160\u202f000 €")
    expect(public.locator("main")).not_to_contain_text("Banque des Territoires")

    # La Banque des Territoires enregistre l'accord de sa ligne ; les autres ne lui sont pas proposées ; elle peut
    # ajouter une ligne qu'elle finance, pas modifier la fiche.
    bdt = navigateur.new_context(locale="fr-FR").new_page()
    connecter(bdt, base, "agent@bdt.fr", MOT_DE_PASSE_BDT)
    bdt.goto(fiche_url)
    tableau = bdt.locator("table", has_text="Lignes de financement")
    expect(tableau.get_by_role("link", name="Modifier")).to_have_count(1)
    expect(bdt.get_by_role("link", name="Ajouter une ligne de financement")).to_have_count(1)
    expect(bdt.get_by_role("link", name="Modifier", exact=True)).to_have_count(0)
    tableau.get_by_role("link", name="Modifier la ligne Banque des Territoires").click()
    bdt.get_by_label("Statut").select_option(label="accordée")
    bdt.get_by_label("Date de la décision").fill("2026-03-02")
    bdt.get_by_label("Référence de la décision").fill("BDT-46-2026-017")
    assert verifier_accessibilite(bdt) == [], verifier_accessibilite.formater(verifier_accessibilite(bdt))
    bdt.get_by_role("button", name="Enregistrer").click()
    expect(bdt.get_by_role("status").filter(has_text="Ligne de financement enregistrée")).to_be_visible()
    ligne = bdt.locator("table", has_text="Lignes de financement").locator(
        "tr", has_text="Banque des Territoires"
    )
    expect(ligne).to_contain_text("accordée")
    expect(ligne).to_contain_text("BDT-46-2026-017")
    bdt.context.close()

    # Accordée, la ligne est publique.
    public.reload()
    expect(public.locator("main")).to_contain_text("Banque des Territoires")
    expect(public.locator("main")).to_contain_text("40\u202f000 €")
    public.context.close()
