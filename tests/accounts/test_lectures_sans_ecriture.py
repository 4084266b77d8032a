"""Lire n'écrit pas à chaque fois (issue 14, point 4) : le dernier usage d'un jeton d'API est noté une fois par
minute au plus, la session une fois par minute au plus, et une session qui n'a pas pu être enregistrée (base
occupée par un long import) donne une page en français."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from pvd.accounts.models import JetonApi
from pvd.accounts.services import jeton_creer, utilisateur_creer

pytestmark = pytest.mark.django_db


def _ecritures(contexte, table: str) -> int:
    return sum(1 for q in contexte.captured_queries if q["sql"].startswith("UPDATE") and table in q["sql"])


def test_dernier_usage_du_jeton_note_une_fois_par_minute(client, redacteur):
    jeton = jeton_creer(utilisateur=redacteur)
    entetes = {"Authorization": f"Bearer {jeton}"}
    with CaptureQueriesContext(connection) as requetes:
        assert client.get("/api/v1/laureats", headers=entetes).status_code == 200
        assert client.get("/api/v1/laureats", headers=entetes).status_code == 200
    assert _ecritures(requetes, "accounts_jetonapi") == 1
    premier = JetonApi.objects.get().dernier_usage
    assert premier is not None
    # Une minute plus tard, l'usage est noté de nouveau.
    JetonApi.objects.update(dernier_usage=premier - timedelta(seconds=61))
    with CaptureQueriesContext(connection) as requetes:
        assert client.get("/api/v1/laureats", headers=entetes).status_code == 200
    assert _ecritures(requetes, "accounts_jetonapi") == 1
    assert JetonApi.objects.get().dernier_usage > premier - timedelta(seconds=1)


def test_base_occupee_la_lecture_par_jeton_passe(client, redacteur, monkeypatch):
    jeton = jeton_creer(utilisateur=redacteur)

    def occupee(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr("django.db.models.query.QuerySet.update", occupee)
    reponse = client.get("/api/v1/laureats", headers={"Authorization": f"Bearer {jeton}"})
    assert reponse.status_code == 200
    monkeypatch.undo()
    assert JetonApi.objects.get().dernier_usage is None


def test_session_renouvelee_une_fois_par_minute(client, redacteur):
    client.force_login(redacteur)
    client.get("/")  # la connexion a noté le renouvellement
    with CaptureQueriesContext(connection) as requetes:
        assert client.get("/").status_code == 200
        assert client.get("/programmes/pvd/").status_code == 200
    assert _ecritures(requetes, "django_session") == 0
    session = client.session
    session["_pvd_renouvelee"] -= 61
    session.save()
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get("/")
    assert reponse.status_code == 200
    assert _ecritures(requetes, "django_session") == 1
    assert reponse.cookies["sessionid"]["max-age"] == 12 * 3600  # l'échéance repart de cette requête


def test_session_interrompue_page_en_francais(client, monkeypatch):
    compte = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    client.force_login(compte)
    from django.contrib.sessions.models import Session

    def occupee(*args, **kwargs):
        raise DatabaseError("database is locked")

    session = client.session
    session["_pvd_renouvelee"] = 0  # la session est à renouveler : cette requête l'écrit
    session.save()
    monkeypatch.setattr(Session, "save", occupee)
    reponse = client.get("/")
    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert '<html lang="fr">' in html and "Votre session n'a pas pu être enregistrée" in html
    assert "Bad Request" not in html
