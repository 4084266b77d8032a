"""Réglages des tests : ceux de base, rendus seulement plus rapides et déterministes."""

import os

os.environ.setdefault("PVD_ENV", "test")
os.environ.setdefault("PVD_SECRET_KEY", "cle-de-test-uniquement-jamais-en-production")

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

import tempfile  # noqa: E402

STATIC_ROOT = tempfile.mkdtemp(prefix="pvd-static-test-")

# Tests : ProConnect branché sur un faux fournisseur (aucun appel réseau ; voir tests/accounts/test_proconnect.py).
from . import base as _base  # noqa: E402

INSTALLED_APPS = [*_base.INSTALLED_APPS, "mozilla_django_oidc"]
AUTHENTICATION_BACKENDS = [*_base.AUTHENTICATION_BACKENDS, "pvd.accounts.proconnect.ProConnectBackend"]
OIDC_RP_CLIENT_ID = "pvd-test"
OIDC_RP_CLIENT_SECRET = "secret-de-test"
OIDC_OP_AUTHORIZATION_ENDPOINT = "https://proconnect.test/api/v2/authorize"
OIDC_OP_TOKEN_ENDPOINT = "https://proconnect.test/api/v2/token"
OIDC_OP_USER_ENDPOINT = "https://proconnect.test/api/v2/userinfo"
OIDC_OP_JWKS_ENDPOINT = "https://proconnect.test/api/v2/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_STATE_SIZE = 48
OIDC_NONCE_SIZE = 48
OIDC_CREATE_USER = True
PVD_OIDC_ACTIF = True
PVD_OIDC_ACR_VALUES = "eidas2"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas2"}
LOGIN_REDIRECT_URL_FAILURE = "/connexion/"
