"""`/sante/` pour le répartiteur de charge : 200 quand la base répond et que les migrations sont appliquées, 503
avec la raison sinon ; rien d'écrit."""

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_pret(client):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get("/sante/")
    assert reponse.status_code == 200
    assert reponse.json() == {
        "statut": "ok",
        "base": "la base de données répond",
        "migrations": "toutes les migrations sont appliquées",
    }
    assert "no-store" in reponse["Cache-Control"]
    ecritures = [q["sql"] for q in requetes if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert ecritures == []
    assert "sessionid" not in reponse.cookies


def test_migrations_en_attente(client, monkeypatch):
    class Attendue:
        app_label, name = "actions", "0099_a_venir"

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, cibles: [(Attendue(), False)])
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json()["statut"] == "indisponible"
    assert reponse.json()["migrations"] == "1 migration(s) à appliquer (actions) : lancez `pvd migrate`"


def test_base_injoignable(client, monkeypatch):
    def injoignable(*args, **kwargs):
        raise OperationalError("connexion refusée")

    monkeypatch.setattr(connection, "cursor", injoignable)
    reponse = client.get("/sante/")
    assert reponse.status_code == 503
    assert reponse.json() == {
        "statut": "indisponible",
        "base": "la base de données ne répond pas (OperationalError)",
        "migrations": "non vérifiées",
    }


def test_seulement_get(client):
    assert client.post("/sante/").status_code == 405
