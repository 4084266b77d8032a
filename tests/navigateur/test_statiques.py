"""Le site servi est le site testé : fichiers statiques collectés, avec empreinte et compressés, comme en
démonstration et en production. La feuille de style du DSFR doit s'appliquer (police Marianne), ce qui n'était pas
le cas quand ses balises portaient un hachage d'intégrité (SRI) calculé sur le fichier avant réécriture."""

import pytest

pytestmark = pytest.mark.browser


def test_la_feuille_du_dsfr_s_applique(live_server, referentiel, page):
    page.goto(live_server.url + "/")
    feuilles = page.evaluate(
        "() => Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.getAttribute('href'))"
    )
    # Servie sous son nom avec empreinte : le stockage des tests est bien celui de la démonstration.
    assert any(
        f.startswith("/static/dsfr/dist/dsfr/dsfr.min.") and f != "/static/dsfr/dist/dsfr/dsfr.min.css"
        for f in feuilles
    ), feuilles
    police = page.evaluate("() => getComputedStyle(document.querySelector('header.fr-header')).fontFamily")
    assert "Marianne" in police
