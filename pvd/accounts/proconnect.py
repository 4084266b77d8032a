"""ProConnect, l'OpenID Connect des agents de l'État, par mozilla-django-oidc (état et nonce de 48 caractères, PKCE).

Le jeton d'identité est vérifié : signature RS256 par les clés publiées du fournisseur (`alg=none` et tout autre
algorithme refusés), `nonce`, expiration. Quand une double authentification est exigée (`PVD_OIDC_ACR_VALUES`), le
niveau `acr` du jeton doit la prouver. Tout refus est journalisé et ne crée aucune session. Un compte créé par
ProConnect n'a aucun rôle : l'équipe nationale lui en donne un.
"""

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .journal import securite_journaliser
from .models import EvenementSecurite


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as refus:
            securite_journaliser(EvenementSecurite.Type.ECHEC, request, detail=f"ProConnect : {refus}")
            return None

    def verify_token(self, token, **kwargs):
        try:
            entete = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as erreur:
            raise SuspiciousOperation("Jeton d'identité illisible.") from erreur
        if entete.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"Algorithme de signature refusé : {entete.get('alg')!r}.")
        try:
            charge = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as erreur:  # expiré, pas encore valide, signature fausse…
            raise SuspiciousOperation(f"Jeton d'identité refusé : {erreur}.") from erreur
        attendu = getattr(settings, "PVD_OIDC_ACR_VALUES", "")
        if attendu and charge.get("acr") not in attendu.split():
            raise SuspiciousOperation(
                "Niveau d'authentification insuffisant : la double authentification est exigée."
            )
        return charge

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=email)

    def create_user(self, claims):
        email = claims["email"].strip().lower()
        return self.UserModel.objects.create_user(username=email, email=email)
