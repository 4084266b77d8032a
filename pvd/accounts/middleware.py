"""Intergiciels de sécurité : caractères de contrôle, jetons d'API, taille des requêtes, journal des refus,
renouvellement des sessions."""

import re
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from pvd.config.tailles import en_mo

from .journal import securite_journaliser
from .models import EvenementSecurite
from .services import jeton_authentifier

# Caractères de contrôle (C0, DEL, C1) : rien à faire dans une adresse ni un cookie. Le NUL fait échouer PostgreSQL
# (« text fields cannot contain NUL »), le saut de ligne casse un en-tête (nom d'un fichier téléchargé).
CONTROLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def caractere_de_controle(texte: str) -> str | None:
    """Le premier caractère de contrôle de `texte`, écrit « U+0000 », ou None."""
    trouve = CONTROLE.search(texte)
    return f"U+{ord(trouve.group()):04X}" if trouve else None


def _entree_refusee(request) -> str | None:
    """Ce qui cloche dans le chemin, les paramètres ou les cookies de la requête, en français, ou None."""
    if code := caractere_de_controle(request.path_info):
        return f"L'adresse contient un caractère de contrôle ({code}) : corrigez-la et recommencez."
    for nom, valeurs in request.GET.lists():
        for texte in (nom, *valeurs):
            if code := caractere_de_controle(texte):
                return (
                    f"Le paramètre « {nom[:50]} » de l'adresse contient un caractère de contrôle ({code}) : "
                    "retirez-le et recommencez."
                )
    for nom, valeur in request.COOKIES.items():
        if caractere_de_controle(nom) or caractere_de_controle(valeur):
            return (
                "Un cookie contient un caractère de contrôle : effacez les cookies de ce site et recommencez."
            )
    return None


class CaracteresDeControleMiddleware:
    """Un caractère de contrôle (NUL, saut de ligne…) dans le chemin, un paramètre ou un cookie : 400 en français,
    avant toute lecture de la base ou de la session. Le seul endroit qui en décide, pour les pages, les
    téléchargements et l'API (dont les corps JSON et formulaires sont vérifiés par `api.api.LecteurSain`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        message = _entree_refusee(request)
        if message is None:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        page = render_to_string("400.html", {"message": message})  # sans contexte de requête : aucune lecture
        return HttpResponse(page, status=400)


class JetonApiMiddleware:
    """`Authorization: Bearer <jeton>` sur l'API : l'utilisateur du jeton, sans session ni jeton CSRF."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        entete = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and entete.lower().startswith("bearer "):
            utilisateur = jeton_authentifier(entete[7:].strip())
            if utilisateur is None:
                securite_journaliser(EvenementSecurite.Type.JETON_INVALIDE, request)
                return JsonResponse(
                    {
                        "detail": "Jeton d'API invalide, révoqué, ou compte désactivé : demandez-en un nouveau."
                    },
                    status=401,
                )
            request.user = utilisateur
            request.jeton_api = True
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class LimiteTailleMiddleware:
    """Une requête trop lourde (dépôt de fichier) reçoit un 413 en français, avant d'être lue."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            taille = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            taille = 0
        limite = settings.PVD_TAILLE_MAX_REQUETE
        if taille > limite:
            message = (
                f"Le fichier envoyé pèse {en_mo(taille)} : la limite est de {en_mo(limite)}. "
                "Réduisez-le (un PDF de convention signée pèse rarement plus de quelques Mo) et recommencez."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            page = render_to_string("413.html", {"message": message}, request=request)
            return HttpResponse(page, status=413)
        return self.get_response(request)


class JournalRefusMiddleware:
    """Chaque réponse 403 laisse une trace au journal de sécurité."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if reponse.status_code == 403:
            securite_journaliser(
                EvenementSecurite.Type.REFUS, request, getattr(request, "user", None), detail=request.method
            )
        return reponse


class SessionRenouveleeMiddleware:
    """Une session expire après `SESSION_COOKIE_AGE` sans activité ; chaque requête la prolonge, mais une page lue
    n'écrit la session qu'une fois par minute au plus (`TOUS_LES`), pas à chaque requête : pendant qu'un long
    import écrit (SQLite n'a qu'un écrivain), les pages se lisent sans attendre. Placé juste après
    `SessionMiddleware`, qui enregistre la session quand elle est modifiée (et seulement alors)."""

    CLE = "_pvd_renouvelee"
    TOUS_LES = 60  # secondes

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or not session.keys():
            return reponse  # pas de session, ou une session vide (visiteur, déconnexion) : rien à prolonger
        maintenant = int(time.time())
        if session.modified or maintenant - session.get(self.CLE, 0) >= self.TOUS_LES:
            session[self.CLE] = maintenant
        return reponse


@receiver(user_logged_in)
def _session_ouverte(sender, request, user, **kwargs):
    """Une connexion enregistre la session de toute façon : elle compte comme son premier renouvellement (la
    requête suivante n'a pas à l'écrire)."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionRenouveleeMiddleware.CLE] = int(time.time())
