"""Parcours : déposer le tableur des lauréats du Lot écrits en noms courts, faire correspondre les colonnes, lever
l'ambiguïté de « Lacapelle », confirmer, voir le tableau de bord changer."""

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Laureat

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-parcours-import"
NOMS_COURTS = [
    "Souillac",
    "Martel",
    "Vayrac",
    "Bretenoux",
    "Biars",
    "St-Céré",
    "Gramat",
    "Montcuq",
    "Castelnau-Montratier-Sainte-Alauzie",
    "Lacapelle",
    "Cajarc",
    "Capdenac-Gare",
    "Puy l'évêque",
    "Prayssac",
    "Luzech",
    "Gourdon",
    "Cazals",
    "Salviac",
    "Lalbenque",
    "Limogne",
]


def test_import_du_tableur_du_lot(live_server, referentiel, page, tmp_path, capture, verifier_accessibilite):
    utilisateur_creer(
        email="agent@lot.gouv.fr", role="prefecture", departements=["46"], mot_de_passe=MOT_DE_PASSE
    )
    fichier = tmp_path / "laureats-lot.csv"
    fichier.write_text(
        "Lauréates du Lot\n\nCommune;Maire\n" + "\n".join(f"{n};" for n in NOMS_COURTS) + "\n",
        encoding="cp1252",
    )
    base = live_server.url
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("agent@lot.gouv.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(base + "/programmes/pvd/")
    expect(page.locator("#chiffre-laureats")).to_have_text("0")

    page.goto(base + "/imports/")
    page.locator("#id_fichier").set_input_files(str(fichier))
    page.get_by_label("Nature du fichier").select_option("tableur")
    page.get_by_label("Département").select_option("46")
    page.get_by_role("button", name="Voir l'aperçu").click()

    expect(page.get_by_label("Colonne « Commune »")).to_have_value("commune")
    expect(page.locator("#resume-import")).to_contain_text("19 à créer")
    expect(page.locator("#resume-import")).to_contain_text("1 à préciser")
    expect(page.locator("main")).to_contain_text("« Maire »")  # colonne écartée : donnée personnelle
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    choix = page.get_by_label("Commune voulue à la ligne 13")
    choix.select_option("46143")
    capture(page, "import-apercu-lacapelle")
    page.get_by_role("button", name="Mettre à jour l'aperçu").click()
    expect(page.locator("#resume-import")).to_contain_text("20 à créer")
    page.get_by_role("button", name="Importer", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Import réalisé : 20 lignes créées")
    page.goto(base + "/programmes/pvd/")
    expect(page.locator("#chiffre-laureats")).to_have_text("20")
    assert Laureat.objects.filter(commune_id__in=["46143", "46173", "46201", "46029", "12052"]).count() == 5
