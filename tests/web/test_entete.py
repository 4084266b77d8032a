"""Ce que le navigateur charge de lui-même : l'icône, les feuilles du DSFR ; l'en-tête et sa recherche."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_mene_a_l_icone_du_dsfr(client):
    reponse = client.get("/favicon.ico")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/static/dsfr/dist/favicon/favicon.ico"


def test_aucun_hachage_d_integrite_sur_les_fichiers_servis_ici(client):
    """La collecte réécrit les CSS du DSFR : un hachage SRI calculé avant ferait bloquer la feuille (ADR 0009)."""
    html = client.get("/").content.decode()
    assert 'href="/static/dsfr/dist/dsfr/dsfr.min.css"' in html
    assert "integrity=" not in html


def test_la_modale_de_recherche_a_un_nom(client):
    html = client.get("/").content.decode()
    modale = re.search(r'<div class="fr-header__search fr-modal"[^>]*>', html).group(0)
    assert 'aria-label="Rechercher une commune ou un EPCI"' in modale
