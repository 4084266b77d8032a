"""Ce que toutes les pages du site partagent : l'accès au registre interne, le refus d'écrire hors périmètre, la
trace d'une écriture faite depuis une page, la date demandée (`?au=`), le programme de l'adresse, le fil d'Ariane,
le nom d'un fichier téléchargé, les erreurs d'un service posées sur un formulaire et l'écriture sous verrou de
version depuis un formulaire.

Les modules de pages importent d'ici, jamais les uns des autres.
"""

from datetime import date
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from pvd.accounts import perimetres
from pvd.programmes import selectors, services
from pvd.programmes.models import Evenement
from pvd.territoires.models import Departement

from ..forms import DateForm


def lecture_requise(vue):
    """Le registre interne : un compte connecté qui a un rôle ; sans rôle, 403 qui dit pourquoi."""

    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not perimetres.lit_le_registre_interne(request.user):
            raise PermissionDenied(
                "Votre compte n'a pas encore de rôle dans le programme : demandez-en un à l'équipe nationale."
            )
        return vue(request, *args, **kwargs)

    return enveloppe


def exiger(autorise: bool, message: str = "Cette action sort du périmètre de votre compte.") -> None:
    """Écrire hors de son périmètre : 403, et rien n'est modifié."""
    if not autorise:
        raise PermissionDenied(message)


def trace_page(request) -> services.Trace:
    return services.Trace(auteur=request.user, canal=Evenement.Canal.PAGE)


def jour_demande(request) -> tuple[date, DateForm]:
    formulaire = DateForm(request.GET or None)
    jour = selectors.aujourd_hui()
    if formulaire.is_bound and formulaire.is_valid() and formulaire.cleaned_data["au"]:
        jour = formulaire.cleaned_data["au"]
    return jour, formulaire


def programme_ou_404(slug: str):
    programme = selectors.programme_par_slug(slug)
    if programme is None:
        raise Http404(f"Aucun programme « {slug} ».")
    return programme


def departement_ou_404(code: str) -> Departement:
    departement = Departement.objects.filter(code=code.upper()).first()
    if departement is None:
        raise Http404(f"Aucun département ne porte le code « {code} ».")
    return departement


def piece_jointe(nom: str) -> str:
    """L'en-tête `Content-Disposition` d'un fichier à enregistrer (RFC 6266) : `filename` en ASCII pour les vieux
    clients, `filename*` en UTF-8 pour les autres. `nom` ne vient que de valeurs vérifiées (codes lus en base,
    dates) ; guillemets, barres obliques inverses et caractères de contrôle en sont retirés quoi qu'il arrive."""
    propre = "".join(c for c in nom if c.isprintable() and c not in '"\\/')
    ascii_ = propre.encode("ascii", "ignore").decode() or "fichier"
    return f"attachment; filename=\"{ascii_}\"; filename*=UTF-8''{quote(propre, safe='')}"


def chemin(*liens, courant: str) -> dict:
    return {"links": [{"url": url, "title": titre} for titre, url in liens], "current": courant}


def liens_departement(programme, dep: Departement) -> list[tuple[str, str]]:
    """Le chemin complet jusqu'à la page d'un département : programme, région, département."""
    return [
        (programme.nom, reverse("tableau-de-bord", args=[programme.slug])),
        (dep.region.nom, reverse("tableau-de-bord-region", args=[programme.slug, dep.region_id])),
        (f"{dep.nom} ({dep.code})", reverse("programme-departement", args=[programme.slug, dep.code])),
    ]


def erreurs_dans_formulaire(formulaire, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, messages_champ in erreur.message_dict.items():
            formulaire.add_error(champ if champ in formulaire.fields else None, messages_champ)
    else:
        formulaire.add_error(None, erreur.messages)


def ecrire_sous_version(
    request, formulaire, ecriture, succes: str, retour: str, conflit
) -> HttpResponse | None:
    """Une écriture sous verrou de version depuis un formulaire : enregistrée, le message `succes` et le retour ;
    devancée par une autre personne, la page de conflit de la page appelante (`conflit(erreur)`) ; refusée par une
    règle, None et l'erreur posée sur son champ."""
    try:
        ecriture()
    except services.ConflitDeVersion as erreur:
        return conflit(erreur)
    except ValidationError as erreur:
        erreurs_dans_formulaire(formulaire, erreur)
        return None
    messages.success(request, succes)
    return redirect(retour)
