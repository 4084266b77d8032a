"""Mise en page mesurée dans le navigateur : chaque titre de section a de la place au-dessus de lui, quel que soit le
bloc qui le précède (une fiche `dl` ou une liste n'en laissaient aucune)."""

import pytest

from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Programme

pytestmark = pytest.mark.browser

ESPACES_AU_DESSUS = """() => Array.from(document.querySelectorAll('main h2, main h3'))
  .filter(titre => titre.previousElementSibling && !titre.closest('.fr-alert, .fr-callout'))
  .map(titre => [
    titre.textContent.trim(),
    Math.round(titre.getBoundingClientRect().top - titre.previousElementSibling.getBoundingClientRect().bottom),
  ])"""


@pytest.fixture
def lot_en_ligne(live_server, referentiel):
    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    return live_server.url


@pytest.mark.parametrize("url", ["/communes/46128/", "/epci/200066371/", "/donnees/pvd/departements/46/"])
def test_place_au_dessus_des_titres(lot_en_ligne, page, url):
    page.goto(lot_en_ligne + url)
    espaces = page.evaluate(ESPACES_AU_DESSUS)
    assert espaces
    serres = [(titre, espace) for titre, espace in espaces if espace < 24]
    assert serres == [], serres
