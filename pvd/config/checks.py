"""Vérifications de démarrage : un serveur de production sans clé secrète ne doit pas démarrer."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "La variable d'environnement PVD_SECRET_KEY est absente : en production, le serveur refuse de démarrer "
    "sans clé secrète."
)
HINT = (
    "Définissez PVD_SECRET_KEY (au moins 50 caractères aléatoires), ou lancez la démonstration avec "
    "`make demo` (PVD_ENV=demo)."
)


def secret_key_missing() -> bool:
    try:
        return not settings.SECRET_KEY
    except ImproperlyConfigured:
        return True


def require_secret_key() -> None:
    if secret_key_missing():
        raise ImproperlyConfigured(f"{MESSAGE} {HINT}")


@register()
def check_secret_key(app_configs, **kwargs):
    if secret_key_missing():
        return [Error(MESSAGE, hint=HINT, id="pvd.E001")]
    return []
