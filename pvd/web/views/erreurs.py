"""Les pages d'erreur que Django rend lui-même (`handler400`), en français.

Une page autonome, sans gabarit de base ni requête à la base : elle se rend même quand la base est occupée (une
session qui n'a pas pu être enregistrée pendant un long import sur SQLite : `SessionInterrupted`)."""

from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpResponseBadRequest
from django.template import loader


def requete_incorrecte(request, exception=None):
    page = loader.render_to_string(
        "400.html", {"session_interrompue": isinstance(exception, SessionInterrupted)}
    )
    return HttpResponseBadRequest(page)
