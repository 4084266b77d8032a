"""Ce que partagent les opérations de l'API : qui lit (public ou périmètre), la trace d'une écriture, la version
demandée par `If-Match`, le refus d'une règle métier en 422 champ par champ."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as ErreurMetier
from django.http import HttpRequest
from ninja.errors import HttpError

from pvd.accounts import perimetres
from pvd.programmes import services
from pvd.programmes.models import Evenement, Programme
from pvd.programmes.selectors import programme_par_slug

from .erreurs import ErreurSaisie


def public(request: HttpRequest) -> bool:
    """Sans compte (ou sans rôle), l'API ne sert que les données publiées ; sinon, le périmètre du compte."""
    return not perimetres.lit_le_registre_interne(request.user)


def trace(request: HttpRequest) -> services.Trace:
    return services.Trace(auteur=request.user, canal=Evenement.Canal.API)


def programme(slug: str) -> Programme:
    trouve = programme_par_slug(slug[:50])
    if trouve is None:
        raise HttpError(404, f"Aucun programme « {slug[:50]} ».")
    return trouve


def version_demandee(request: HttpRequest, objet: str) -> int:
    """La version que le client a lue (`If-Match`) : absente, 428 ; illisible, 400. `objet` : « la convention »…"""
    entete = request.headers.get("If-Match")
    if not entete:
        raise HttpError(428, f"En-tête If-Match obligatoire : renvoyez l'ETag reçu avec {objet}.")
    texte = entete.removeprefix("W/").strip().strip('"')
    if not (texte.isascii() and texte.isdigit() and len(texte) < 10):
        raise HttpError(
            400, f'En-tête If-Match illisible : renvoyez l\'ETag reçu avec {objet} (par exemple "3").'
        )
    return int(texte)


def erreur_metier(erreur: ErreurMetier) -> ErreurSaisie:
    """Le refus d'une règle du registre : 422, champ par champ (`__all__` quand la règle porte sur l'ensemble)."""
    if hasattr(erreur, "error_dict"):
        return ErreurSaisie(
            erreurs=[
                ("requête" if champ == NON_FIELD_ERRORS else champ, " ".join(msgs))
                for champ, msgs in erreur.message_dict.items()
            ]
        )
    return ErreurSaisie("requête", " ".join(erreur.messages))
