"""Les jalons d'une liste de lauréats lisent les liens de leurs communes par l'index des communes (SQLite)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pvd.programmes import jalons
from pvd.programmes.models import Laureat

pytestmark = pytest.mark.django_db


def test_liens_lus_par_l_index_des_communes_et_non_par_le_programme(lot):
    if connection.vendor != "sqlite":
        pytest.skip("plan de requête propre à SQLite")
    codes = list(Laureat.objects.filter(departement_suivi_id="46").values_list("commune_id", flat=True))
    with CaptureQueriesContext(connection) as capture:
        par_commune = jalons.conventions_des_communes(lot, codes, date(2024, 1, 1))
    assert len(capture) == 1 and par_commune
    sql = capture.captured_queries[0]["sql"]
    with connection.cursor() as curseur:
        curseur.execute(f"EXPLAIN QUERY PLAN {sql}")
        etapes = [ligne[-1] for ligne in curseur.fetchall()]
    assert "programmes_conventioncommune" in etapes[0] and "commune_id" in etapes[0], etapes
    assert not any("programme_id" in etape for etape in etapes), etapes


def test_memes_jalons_par_la_liste_ou_par_tout_le_programme(lot, monkeypatch):
    codes = list(Laureat.objects.values_list("commune_id", flat=True))
    par_liste = jalons.conventions_des_communes(lot, codes, date(2024, 1, 1))
    monkeypatch.setattr(jalons, "LISTE_IN_JALONS", 0)
    assert jalons.conventions_des_communes(lot, codes, date(2024, 1, 1)) == par_liste
    assert par_liste
