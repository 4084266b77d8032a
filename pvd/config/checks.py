"""Vérifications de démarrage : un serveur de production incomplètement configuré ne démarre pas.

En production (`PVD_ENV=production`, le défaut, sans `PVD_DEBUG`), trois réglages sont obligatoires : la clé secrète,
les noms d'hôte servis et une base PostgreSQL. Une machine de démonstration (`pvd demo` a écrit `PVD_ENV=demo` dans
`local.env`) ou de test n'en demande aucun. Le stockage des fichiers, s'il est choisi (`PVD_STOCKAGE`), doit être
complet en tout mode (`pvd.E004` à `pvd.E007`, voir `pvd/config/stockage.py`).
"""

import os

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from pvd.config import stockage

CONSEIL = (
    "Sur un serveur, définissez PVD_SECRET_KEY, PVD_ALLOWED_HOSTS et DATABASE_URL (voir « Configuration » dans le "
    "README) ; pour essayer PVD sur cette machine, lancez `make demo`."
)
MANQUES = {
    "pvd.E001": "La variable d'environnement PVD_SECRET_KEY est absente : en production, le serveur refuse de "
    "démarrer sans clé secrète.",
    "pvd.E002": "La variable d'environnement PVD_ALLOWED_HOSTS est absente : en production, indiquez les noms "
    "d'hôte que le serveur sert (par exemple pvd.exemple.gouv.fr).",
    "pvd.E003": "La variable d'environnement DATABASE_URL ne désigne pas une base PostgreSQL : en production, "
    "plusieurs serveurs partagent une base PostgreSQL (postgres://utilisateur@hote:5432/pvd).",
}


def secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:
        return True


def manques_production() -> list[str]:
    """Les identifiants des réglages de production absents ; [] hors production."""
    if settings.PVD_ENV != "production" or settings.DEBUG:
        return []
    manques = []
    if secret_key_missing():
        manques.append("pvd.E001")
    if not settings.ALLOWED_HOSTS:
        manques.append("pvd.E002")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        manques.append("pvd.E003")
    return manques


def erreurs_stockage() -> dict[str, str]:
    """Les réglages du stockage des fichiers illisibles ou manquants (en tout mode : un serveur qui écrirait ses
    fichiers ailleurs que prévu les perdrait)."""
    return stockage.erreurs(os.environ, production=settings.PVD_ENV == "production" and not settings.DEBUG)


def require_production_settings() -> None:
    messages = [MANQUES[m] for m in manques_production()] + list(erreurs_stockage().values())
    if messages:
        raise ImproperlyConfigured(" ".join(messages) + " " + CONSEIL)


@register()
def check_production_settings(app_configs, **kwargs):
    return [Error(MANQUES[m], hint=CONSEIL, id=m) for m in manques_production()] + [
        Error(message, hint=CONSEIL, id=identifiant) for identifiant, message in erreurs_stockage().items()
    ]
