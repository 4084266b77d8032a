"""Les cartes publiques dans un vrai navigateur : points du département, départements ombrés, accessibilité."""

import re

import pytest
from playwright.sync_api import expect

from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Programme

pytestmark = pytest.mark.browser


@pytest.fixture
def site_public(live_server, referentiel):
    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    return live_server.url


def test_carte_du_departement(site_public, page, capture, verifier_accessibilite):
    page.goto(site_public + "/donnees/pvd/departements/46/")
    carte = page.locator("#carte-departement")
    expect(carte).to_have_attribute("data-points", "20")
    expect(page.locator("path.pvd-point")).to_have_count(20)
    expect(page.locator("path.pvd-point--ort")).to_have_count(19)
    expect(page.locator("path.pvd-point--adhesion")).to_have_count(1)  # Capdenac-Gare : ORT non renseignée
    # Son contour, le nom des lauréates, et des boutons de zoom en français qui zooment.
    expect(page.locator("path.pvd-contour")).to_have_count(1)
    expect(page.locator(".leaflet-tooltip", has_text="Souillac")).to_be_visible()
    zoom_avant = page.get_by_role("button", name="Zoom avant")
    expect(page.get_by_role("button", name="Zoom arrière")).to_be_visible()
    # L'échelle de la carte (transformation du calque de Leaflet) double à chaque cran de zoom.
    echelle = "() => Number(/scale\\(([\\d.]+)\\)/.exec(document.querySelector('.leaflet-proxy').style.transform)[1])"
    avant = page.evaluate(echelle)
    zoom_avant.click()
    page.wait_for_function(f"() => Math.abs(({echelle})() / {avant} - 2) < 0.01")
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")  # animation finie
    page.get_by_role("button", name="Zoom arrière").click()
    page.wait_for_function(f"() => Math.abs(({echelle})() / {avant} - 1) < 0.01")
    capture(page, "carte-departement-46")
    violations = verifier_accessibilite(page)
    assert violations == [], verifier_accessibilite.formater(violations)
    page.locator("path.pvd-point--adhesion").click()
    page.wait_for_url("**/communes/12052/")


def test_carte_nationale(site_public, page, capture, verifier_accessibilite):
    page.goto(site_public + "/donnees/pvd/")
    carte = page.locator("#carte-nationale map-chart")
    expect(carte).to_be_attached()
    # Le composant DSFR dessine les départements en SVG ; un seul est ombré (le Lot, 20 lauréates).
    formes = carte.locator("svg path")
    expect(formes.first).to_be_attached(timeout=15000)
    assert formes.count() >= 96
    teintes = page.evaluate(
        """() => { const hote = document.querySelector('#carte-nationale map-chart');
                   const racine = hote.shadowRoot || hote;
                   return Array.from(racine.querySelectorAll('svg path'))
                     .map(p => p.getAttribute('fill') || p.style.fill || getComputedStyle(p).fill); }"""
    )
    repartition = {t: teintes.count(t) for t in set(teintes)}
    # Une seule teinte est rare : celle du Lot, seul département à avoir des lauréates publiées.
    assert sorted(repartition.values())[0] == 1, repartition
    expect(page.locator("#table-carte tbody tr")).to_have_count(1)

    # Le panneau d'information comme le DSFR Chart le dessine : à côté de la carte, date renseignée, légende
    # « 0 » à gauche et « 20 » à droite (et non « 020 » empilé sous des libellés sans mise en forme).
    panneau = carte.locator(".map_info")
    expect(panneau).to_contain_text(re.compile(r"Mise à jour : \d{1,2}(er)? \w+ \d{4}"))
    minimum, maximum = carte.locator(".scale_values .min"), carte.locator(".scale_values .max")
    expect(minimum).to_have_text("0")
    expect(maximum).to_have_text("20")
    boite_min, boite_max = minimum.bounding_box(), maximum.bounding_box()
    assert boite_max["x"] - (boite_min["x"] + boite_min["width"]) > 50, (boite_min, boite_max)
    assert abs(boite_max["y"] - boite_min["y"]) < 2
    boite_panneau, boite_france = panneau.bounding_box(), carte.locator(".france_container").bounding_box()
    assert boite_panneau["x"] + boite_panneau["width"] <= boite_france["x"], (boite_panneau, boite_france)
    police = panneau.locator("p").first.evaluate("p => getComputedStyle(p).fontSize")
    assert police == "12px", police  # fr-text--xs
    capture(page, "carte-nationale")
    violations = verifier_accessibilite(page)
    assert violations == [], verifier_accessibilite.formater(violations)
