"""Chaque page principale, dans un vrai navigateur, sur les fichiers statiques servis : aucune violation sérieuse
ou critique d'axe-core, aucun défilement horizontal sur un écran de 375 px ; la fixture `page` refuse en plus toute
ressource bloquée, erreur de console ou requête en échec."""

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Programme

pytestmark = pytest.mark.browser
MOT_DE_PASSE = "mot-de-passe-des-pages-principales"

PUBLIQUES = [
    "/",
    "/departements/",
    "/departements/46/",
    "/epci/200066371/",
    "/communes/46309/",
    "/donnees/pvd/",
    "/donnees/pvd/departements/46/",
]
INTERNES = [
    "/programmes/pvd/",
    "/programmes/pvd/departements/46/",
    "/conventions/{convention}/",
    "/programmes/pvd/departements/46/conventions/nouvelle/",
    "/conventions/{convention}/communes/ajouter/",
    "/conventions/{convention}/signature/",
    "/programmes/pvd/departements/46/chefs-de-projet/nouveau/",
    "/imports/",
    "/imports/communique/",
    "/programmes/pvd/departements/46/communique/",
    "/journal/",
]

DEFILEMENT_HORIZONTAL = """() => {
  const largeur = document.documentElement.clientWidth;
  const debordants = Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > largeur + 1 && getComputedStyle(e).position !== 'fixed'
                 && !e.closest('.fr-table, .fr-modal:not(.fr-modal--opened), .fr-sr-only, [aria-hidden=true]'))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined
              ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''));
  return {defilement: document.documentElement.scrollWidth - largeur, debordants: debordants.slice(0, 5)};
}"""


@pytest.fixture
def site(live_server, referentiel):
    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    utilisateur = utilisateur_creer(email="national@anct.gouv.fr", role="national", mot_de_passe=MOT_DE_PASSE)
    utilisateur.is_staff = utilisateur.is_superuser = True
    utilisateur.save()
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    return live_server.url, convention.pk


def se_connecter(page, base):
    page.goto(base + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("national@anct.gouv.fr")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(base + "/")


def verifier_pages(page, base, chemins, verifier_accessibilite, convention):
    constats = {}
    for largeur, hauteur in ((1280, 900), (375, 800)):
        page.set_viewport_size({"width": largeur, "height": hauteur})
        for chemin in chemins:
            url = base + chemin.format(convention=convention)
            reponse = page.goto(url)
            assert reponse.status == 200, (url, reponse.status)
            page.wait_for_load_state("networkidle")
            if largeur == 1280:
                violations = verifier_accessibilite(page)
                if violations:
                    constats[f"axe {chemin}"] = violations
            else:
                mesure = page.evaluate(DEFILEMENT_HORIZONTAL)
                if mesure["defilement"] > 0:
                    constats[f"375 px {chemin}"] = mesure
    return constats


def test_pages_publiques(site, page, verifier_accessibilite):
    base, convention = site
    constats = verifier_pages(page, base, PUBLIQUES, verifier_accessibilite, convention)
    assert constats == {}, verifier_accessibilite.formater(constats)


def test_pages_internes(site, page, verifier_accessibilite):
    base, convention = site
    se_connecter(page, base)
    constats = verifier_pages(page, base, INTERNES, verifier_accessibilite, convention)
    assert constats == {}, verifier_accessibilite.formater(constats)
