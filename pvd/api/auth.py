"""Qui peut écrire par l'API : un compte d'équipe, par son jeton d'API personnel ou par la session du site.

Les deux sont déclarés dans l'OpenAPI (`JetonApi` : `Authorization: Bearer` ; `AuthEcriture` : le cookie de session).
Sans l'un ni l'autre, 401 en français (`erreurs.erreur_authentification`) ; un jeton invalide reçoit son 401 dès
`accounts.middleware.JetonApiMiddleware` ; avec une session mais sans jeton CSRF, 403 qui dit quoi envoyer. Ce que
le compte peut écrire (son périmètre) se décide ensuite, dans `accounts.perimetres`.
"""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth


class JetonApi(HttpBearer):
    """`Authorization: Bearer <jeton>` : le jeton est vérifié par `JetonApiMiddleware`, avant l'API ; ici, le compte
    qu'il a authentifié."""

    def __call__(self, request):
        return request.user if getattr(request, "jeton_api", False) else None

    def authenticate(self, request, token):  # `__call__` ne passe pas par ici
        return None


class AuthEcriture(SessionAuth):
    """La session du site, avec son jeton CSRF."""

    def __call__(self, request):
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


AUTH_ECRITURE = [JetonApi(), AuthEcriture()]
