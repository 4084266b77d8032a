"""Qui peut écrire par l'API : un compte d'équipe, par son jeton d'API personnel ou par la session du site.

Sans session, 401 en français (`api.erreur_authentification`) ; avec une session mais sans jeton CSRF, 403 qui dit
quoi envoyer. Ce que le compte peut écrire (son périmètre) se décide ensuite, dans `accounts.perimetres`.
"""

from ninja.errors import HttpError
from ninja.security import SessionAuth


class AuthEcriture(SessionAuth):
    """Écritures : un jeton d'API personnel (`Authorization: Bearer`), ou la session du site avec son jeton CSRF."""

    def __call__(self, request):
        if getattr(request, "jeton_api", False):
            return request.user
        if not request.user.is_authenticated:
            # Sans session : 401 en français (`erreur_authentification`), avant tout contrôle CSRF.
            return None
        try:
            return super().__call__(request)
        except HttpError as erreur:
            if erreur.status_code != 403:
                raise
            raise HttpError(
                403,
                "Jeton CSRF absent ou invalide : envoyez l'en-tête X-CSRFToken avec la valeur du cookie csrftoken "
                "de votre session, ou utilisez un jeton d'API personnel (Authorization: Bearer …).",
            ) from erreur


AUTH_ECRITURE = AuthEcriture()
