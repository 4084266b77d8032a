"""Parcours : chercher « puy l eveque » sur l'accueil, choisir la suggestion, arriver sur la commune."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_recherche_au_fil_de_la_frappe(live_server, referentiel, page, capture, verifier_accessibilite):
    page.goto(live_server.url + "/")
    violations = verifier_accessibilite(page)
    assert violations == [], verifier_accessibilite.formater(violations)

    champ = page.get_by_label("Rechercher une commune ou une intercommunalité")
    champ.press_sequentially("puy l eveque", delay=20)
    suggestion = page.locator("#suggestions a", has_text="Puy-l'Évêque")
    expect(suggestion).to_be_visible()
    capture(page, "recherche-suggestions")
    suggestion.click()

    page.wait_for_url("**/communes/46231/")
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("h1")).to_have_text("Puy-l'Évêque")
    expect(page.locator("main")).to_contain_text("Intercommunalité")
    expect(page.locator("main")).to_contain_text("CC de la Vallée du Lot et du Vignoble")
    capture(page, "commune-puy-l-eveque")
    violations = verifier_accessibilite(page)
    assert violations == [], verifier_accessibilite.formater(violations)


def test_clavier_seul(live_server, referentiel, page):
    """Sans souris : taper, descendre aux suggestions avec Tab, valider avec Entrée."""
    page.goto(live_server.url + "/")
    champ = page.get_by_label("Rechercher une commune ou une intercommunalité")
    champ.focus()
    page.keyboard.type("Cauvaldor", delay=20)
    expect(page.locator("#suggestions a").first).to_be_visible()
    page.keyboard.press("Tab")  # bouton Rechercher
    page.keyboard.press("Tab")  # première suggestion
    page.keyboard.press("Enter")
    page.wait_for_url("**/epci/200066371/")
    expect(page.locator("h1")).to_have_text("CC Causses et Vallée de la Dordogne")


def test_fleche_bas_mene_aux_suggestions(live_server, referentiel, page):
    """Flèche bas depuis le champ : la première suggestion ; encore : la suivante ; Flèche haut : retour."""
    page.goto(live_server.url + "/")
    champ = page.get_by_label("Rechercher une commune ou une intercommunalité")
    champ.press_sequentially("Saint-C", delay=20)
    suggestions = page.locator("#suggestions a")
    expect(suggestions.nth(1)).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(suggestions.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(suggestions.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(champ).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/communes/**")
