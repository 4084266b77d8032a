"""Fixtures partagées : le vrai référentiel COG, chargé une fois par session dans la base de test."""

import importlib

import pytest

from pvd.territoires.importation import referentiel_importer
from pvd.territoires.models import Commune


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Base de test créée par pytest-django, puis le référentiel réel (paquets npm) chargé une fois."""
    with django_db_blocker.unblock():
        referentiel_importer()


def rejouer_migrations_de_donnees() -> None:
    """Après un vidage de la base, remet les lignes que posent les migrations de données (PVD, DSFR)."""
    from django.apps import apps

    for module, fonction in (
        ("pvd.programmes.migrations.0002_programme_pvd", "creer_pvd"),
        ("pvd.programmes.migrations.0005_programme_acv", "creer_acv"),
        ("pvd.web.migrations.0001_configurer_dsfr", "configurer"),
    ):
        getattr(importlib.import_module(module), fonction)(apps, None)


@pytest.fixture
def referentiel(transactional_db):
    """Pour les tests transactionnels (navigateur) : la base est vidée après chacun, on recharge si besoin."""
    if not Commune.objects.exists():
        referentiel_importer()
    rejouer_migrations_de_donnees()


PDF_MINIMAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def pdf():
    """Un PDF minimal valide (A4), pour les dépôts de convention signée."""
    return PDF_MINIMAL


@pytest.fixture
def redacteur(db):
    """Un agent de la préfecture du Lot : il écrit ce que suit le Lot."""
    from pvd.accounts.services import utilisateur_creer

    return utilisateur_creer(
        email="agent46@lot.gouv.fr",
        role="prefecture",
        departements=["46"],
        mot_de_passe="mot-de-passe-de-test-1",
    )


@pytest.fixture
def lecteur(db):
    """Un partenaire : il lit tout le registre, n'écrit rien."""
    from pvd.accounts.services import utilisateur_creer

    return utilisateur_creer(
        email="partenaire@banque.test",
        role="partenaire",
        organisme="Banque des Territoires",
        mot_de_passe="mot-de-passe-de-test-2",
    )


@pytest.fixture
def client_lecteur(client, lecteur):
    """Un client connecté avec un compte sans droit d'écriture : il lit le registre interne."""
    client.force_login(lecteur)
    return client
