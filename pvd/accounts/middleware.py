"""Intergiciels de sécurité : jetons d'API, taille des requêtes, journal des refus."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from pvd.config.tailles import en_mo

from .journal import securite_journaliser
from .models import EvenementSecurite
from .services import jeton_authentifier


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
