"""Fixtures partagées : le vrai référentiel COG, chargé une fois par session dans la base de test."""

import pytest

from pvd.territoires.importation import referentiel_importer
from pvd.territoires.models import Commune


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Base de test créée par pytest-django, puis le référentiel réel (paquets npm) chargé une fois."""
    with django_db_blocker.unblock():
        referentiel_importer()


@pytest.fixture
def referentiel(transactional_db):
    """Pour les tests transactionnels (navigateur) : la base est vidée après chacun, on recharge si besoin."""
    if not Commune.objects.exists():
        referentiel_importer()


@pytest.fixture
def compter_requetes():
    """`with compter_requetes() as requetes: …` puis `len(requetes)` : le nombre de requêtes SQL faites."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return lambda: CaptureQueriesContext(connection)
