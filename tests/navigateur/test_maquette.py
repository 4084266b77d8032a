"""Parcours de la maquette financière : le chef de projet de Cauvaldor dépose la maquette de son plan d'action
(XLSX, titre, intertitre fusionné, ligne de total), voit l'aperçu ligne par ligne, confirme et retrouve ses fiches ;
accessibilité des pages de dépôt et d'aperçu."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Convention, Programme

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-chef-de-projet-2"
CAUVALDOR = "200066371"


@pytest.fixture
def maquette(tmp_path):
    classeur = Workbook()
    feuille = classeur.active
    for ligne in [
        ["Maquette financière — Cauvaldor"],
        ["N° action", "Intitulé", "Maître d'ouvrage", "Coût HT", "État DETR", "Région", "Autofinancement"],
        ["Axe 2 – Développement économique et commercial"],
        ["2.1", "Halle de Gramat", "Gramat", 400000, 160000, 40000, 200000],
        ["2.2", "Boutique à l'essai", "Souillac", 50000, None, 10000, 40000],
        ["TOTAL", None, None, 450000, 160000, 50000, 240000],
    ]:
        feuille.append(ligne)
    feuille.merge_cells("A3:G3")
    chemin = tmp_path / "maquette-cauvaldor.xlsx"
    flux = io.BytesIO()
    classeur.save(flux)
    chemin.write_bytes(flux.getvalue())
    return chemin


@pytest.fixture
def plan_en_ligne(live_server, referentiel, lot_a_signer):
    lot_a_signer(Programme.objects.get(slug="pvd"))
    utilisateur_creer(
        email="cdp2@cauvaldor.fr", role="collectivite", epcis=[CAUVALDOR], mot_de_passe=MOT_DE_PASSE
    )
    cadre = (
        Convention.objects.filter(epci_id=CAUVALDOR, type="cadre_ort")
        .order_by("date_signature", "pk")
        .first()
    )
    return live_server.url, cadre


def test_chef_de_projet_importe_sa_maquette(plan_en_ligne, maquette, page, verifier_accessibilite):
    base, cadre = plan_en_ligne
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("cdp2@cauvaldor.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter (cdp2@cauvaldor.fr)")).to_be_visible()

    page.goto(f"{base}/conventions/{cadre.pk}/plan-d-action/")
    page.get_by_role("link", name="Importer une maquette financière").click()
    expect(page.locator("h1")).to_have_text("Importer une maquette financière")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    page.get_by_label("Maquette financière").set_input_files(str(maquette))
    page.get_by_role("button", name="Voir l'aperçu").click()

    expect(page.locator("h1")).to_have_text("Aperçu de l'import")
    tableau = page.locator("#lignes-import")
    expect(tableau).to_contain_text("intertitre : axe « Développement économique et commercial »")
    expect(tableau).to_contain_text("fiche 2.1 créée : Halle de Gramat")
    expect(tableau).to_contain_text("ligne de total : ignorée")
    expect(page.locator("#resume-import")).to_contain_text("2 à créer")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    page.get_by_role("button", name="Importer", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Maquette importée : 2 lignes créées")
    expect(page.locator("main")).to_contain_text("Halle de Gramat")
    expect(page.locator("main")).to_contain_text("Boutique à l'essai")
