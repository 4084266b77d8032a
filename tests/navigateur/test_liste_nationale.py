"""Le vrai programme dans le navigateur : la liste nationale du 22 janvier 2021 et les faits du Lot, chargés comme
le fait `pvd demo` ; le tableau de bord national, le Cantal, un identifiant contesté sur la page d'une commune."""

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.imports.embarquees import liste_nationale_charger
from pvd.programmes import services
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Programme

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-parcours-national-1"
CANTAL = [
    "Allanche", "Chaudes-Aigues", "Condat", "Jussac", "Laroquebrou", "Le Rouget-Pers", "Massiac", "Mauriac",
    "Maurs", "Montsalvy", "Murat", "Naucelles", "Neussargues-Moissac", "Pierrefort", "Pleaux",
    "Riom-ès-Montagnes", "Saint-Cernin", "Saint-Flour", "Saint-Martin-Valmeroux", "Saint-Paul-des-Landes",
    "Saint-Simon", "Sansac-de-Marmiesse", "Vézac", "Vic-sur-Cère", "Ydes", "Ytrac",
]  # fmt: skip
# Les noms du COG 2026 : la liste de 2021 écrit « Neussargues en Pinatelle » (15141), renommée depuis.


@pytest.fixture
def programme_en_ligne(live_server, referentiel):
    liste_nationale_charger(trace=services.Trace(canal="demo"))
    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    utilisateur_creer(email="anct@anct.gouv.fr", role="national", mot_de_passe=MOT_DE_PASSE)
    return live_server.url


def test_le_programme_national_reel(programme_en_ligne, page, capture, verifier_accessibilite):
    base = programme_en_ligne
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("anct@anct.gouv.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    # 1 606 communes de la liste, plus Vayrac, connue du seul communiqué du Lot.
    page.goto(base + "/programmes/pvd/")
    expect(page.locator("#chiffre-laureats")).to_have_text("1\u202f607")
    expect(page.get_by_role("link", name="voir et trancher les identifiants contestés")).to_be_visible()
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))

    page.goto(base + "/programmes/pvd/departements/15/")
    contenu = page.locator("main").inner_text()
    assert [nom for nom in CANTAL if nom not in contenu] == []
    capture(page, "cantal")

    page.goto(base + "/communes/52064/")
    alerte = page.locator(".pvd-identifiant-conteste")
    expect(alerte).to_contain_text("Identifiant national contesté : « pvd-44-52-1 »")
    expect(alerte).to_contain_text("Breuvannes-en-Bassigny")
    expect(page.locator(".pvd-sources")).to_contain_text("ligne 198")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))

    page.goto(base + "/programmes/pvd/identifiants-contestes/")
    expect(page.locator("caption")).to_contain_text("104 identifiants contestés, portés par 251 communes")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))

    page.goto(base + "/communes/46330/")  # Vayrac : les deux sources ne disent pas la même chose
    expect(page.locator(".pvd-desaccord")).to_contain_text(
        "absente de « Liste nationale des lauréats PVD (ANCT)"
    )
