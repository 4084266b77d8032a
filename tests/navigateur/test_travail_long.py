"""Parcours : confirmer un gros import, arriver sur la page de suivi, voir la barre d'avancement passer de « en
attente » à « en cours » puis à « terminé » sans recharger la page, et le compte rendu apparaître.

Le processus de travaux est joué dans le fil du test (`travailleur(batch=True)`), pendant que le navigateur attend :
avec Playwright synchrone, les lectures de l'état par la page (interceptées par `page.route`) ne partent vers le
serveur de test que lorsque le test rend la main au navigateur, si bien que le travail et le serveur ne se
partagent jamais la connexion SQLite en mémoire au même instant.
"""

import pytest
from playwright.sync_api import expect

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import Laureat
from pvd.territoires.models import Commune
from pvd.travaux.models import Travail
from pvd.travaux.services import Suivi, travail_commencer
from pvd.travaux.travailleur import travailleur

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-du-parcours-travail"


def test_gros_import_suivi_sans_recharger(
    live_server, referentiel, page, tmp_path, settings, verifier_accessibilite, capture
):
    settings.PVD_IMPORT_LIGNES_TACHE = 10
    utilisateur_creer(
        email="agent@lot.gouv.fr", role="prefecture", departements=["46"], mot_de_passe=MOT_DE_PASSE
    )
    communes = Commune.objects.filter(departement_id="46", obsolete=False).order_by("code")[:40]
    fichier = tmp_path / "liste-lot.csv"
    fichier.write_text(
        "insee_com,lib_com,id_pvd\n" + "\n".join(f"{c.code},{c.nom},lot-{i}" for i, c in enumerate(communes)),
        encoding="utf-8",
    )
    base = live_server.url
    page.route("**/travaux/*/etat/", lambda route: route.continue_())
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("agent@lot.gouv.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(base + "/imports/")
    page.locator("#id_fichier").set_input_files(str(fichier))
    page.get_by_label("Nature du fichier").select_option("anct-pvd")
    page.get_by_label("Département").select_option("46")
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.locator("#resume-import")).to_contain_text("40 à créer")
    page.get_by_role("button", name="Importer", exact=True).click()

    barre = page.get_by_role("progressbar", name="Avancement du travail")
    expect(barre).to_have_attribute("value", "0")
    expect(page.get_by_role("status")).to_have_text("État : en attente, 0 %.")
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    page.evaluate("window.pasRechargee = true")
    assert Laureat.objects.count() == 0

    # Le travail commence : la page le montre « en cours », à l'étape de la résolution.
    travail = Travail.objects.get()
    assert travail_commencer(travail=travail)
    Suivi(travail)("lues", 40, 40)
    Suivi(travail)("resolues", 20, 40)
    expect(page.get_by_role("status")).to_have_text("État : en cours (résolution des communes), 50 %.")
    expect(barre).to_have_attribute("value", "50")
    expect(page.locator("#compteurs-travail")).to_have_text(
        "Lignes lues : 40 sur 40 ; résolues : 20 ; écrites : 0."
    )
    capture(page, "travail-en-cours")

    # Le processus de travaux reprend le travail depuis le début et le mène au bout.
    Travail.objects.filter(pk=travail.pk).update(etat="en_attente")
    travailleur(batch=True, veille=False).run()
    expect(page.get_by_role("status")).to_have_text("État : terminé, 100 %.")
    expect(barre).to_have_attribute("value", "100")
    expect(page.locator("#resultat-travail")).to_contain_text("Import réalisé : 40 lignes créées")
    assert page.evaluate("window.pasRechargee") is True  # la même page, jamais rechargée
    assert verifier_accessibilite(page) == [], verifier_accessibilite.formater(verifier_accessibilite(page))
    capture(page, "travail-termine")
    page.get_by_role("link", name="Voir le département").click()
    expect(page).to_have_url(base + "/programmes/pvd/departements/46/")
    assert Laureat.objects.count() == 40
