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
