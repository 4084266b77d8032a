"""Fixtures partagées : le vrai référentiel COG, chargé une fois par session dans la base de test."""

import importlib
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pvd.territoires.importation import referentiel_importer
from pvd.territoires.models import Commune


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Base de test créée par pytest-django, puis le référentiel réel (paquets npm) chargé une fois."""
    with django_db_blocker.unblock():
        referentiel_importer()


@pytest.fixture(autouse=True)
def cache_vide():
    """Chaque test part d'un cache vide : les bases des tests sont défaites, leurs identifiants réutilisés, et une clé
    tirée du journal pourrait désigner le tableau d'un autre test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def rejouer_migrations_de_donnees() -> None:
    """Après un vidage de la base, remet les lignes que posent les migrations de données (PVD, DSFR)."""
    from django.apps import apps

    for module, fonction in (
        ("pvd.programmes.migrations.0002_programme_pvd", "creer_pvd"),
        ("pvd.programmes.migrations.0005_programme_acv", "creer_acv"),
        ("pvd.actions.migrations.0002_axes_financeurs_dispositifs", "semer"),
        ("pvd.web.migrations.0001_configurer_dsfr", "configurer"),
    ):
        getattr(importlib.import_module(module), fonction)(apps, None)


@pytest.fixture
def referentiel(transactional_db):
    """Pour les tests transactionnels (navigateur) : la base est vidée après chacun, on recharge si besoin."""
    if not Commune.objects.exists():
        referentiel_importer()
    rejouer_migrations_de_donnees()


def _pdf_minimal() -> bytes:
    """Une page A4 blanche, écrite par pypdf : un PDF complet (table des objets comprise) que le dépôt accepte."""
    from pypdf import PdfWriter

    ecrivain = PdfWriter()
    ecrivain.add_blank_page(595, 842)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


PDF_MINIMAL = _pdf_minimal()


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


CAZALS_SALVIAC = "200035327"


@pytest.fixture
def lot_a_signer():
    """L'exemple du Lot avec une convention à signer, pour les tests des formulaires, de l'API et des droits :
    `lot_a_signer(programme)` charge la démonstration, puis remet l'adhésion de Cazals-Salviac (signée « au plus
    tard » le 19 décembre 2023, jour de son ORT) telle que la préfecture l'avait avant d'en enregistrer la signature
    (en élaboration, version 1, sans signataire), pour que les tests puissent la signer, la modifier et y ajouter des
    communes."""
    from pvd.programmes.demo import charger_exemple_lot
    from pvd.programmes.models import Convention, Evenement, Signataire

    def charger(programme):
        charger_exemple_lot(programme)
        convention = Convention.objects.get(epci_id=CAZALS_SALVIAC, type=Convention.Type.ADHESION)
        Signataire.objects.filter(convention=convention).delete()
        Evenement.objects.filter(
            objet_type="convention", objet_id=str(convention.pk), apres__statut=Convention.Statut.SIGNEE
        ).delete()
        Convention.objects.filter(pk=convention.pk).update(
            statut=Convention.Statut.EN_ELABORATION,
            date_signature=None,
            precision_signature=Convention.PrecisionSignature.EXACTE,
            version=1,
        )
        convention.refresh_from_db()
        return convention

    return charger


@pytest.fixture
def lot(db, lot_a_signer):
    """Le programme PVD avec l'exemple du Lot et son adhésion à signer (voir `lot_a_signer`) ; un module de test peut
    définir son propre `lot`."""
    from pvd.programmes.models import Programme

    programme = Programme.objects.get(slug="pvd")
    lot_a_signer(programme)
    return programme


CAUVALDOR = "200066371"


@pytest.fixture
def cadre(lot):
    """La convention-cadre valant ORT de Cauvaldor (Gramat et Souillac), de l'exemple du Lot : le plan d'action des
    tests ; un module peut la compléter en définissant son propre `cadre(cadre)`."""
    from pvd.programmes.models import Convention

    return (
        Convention.objects.filter(epci_id=CAUVALDOR, type="cadre_ort")
        .order_by("date_signature", "pk")
        .first()
    )


def _noms_d_url(motifs):
    for motif in motifs:
        if isinstance(motif, URLResolver):
            if motif.namespace in ("admin", "api"):
                continue  # l'administration est couverte à part, modèle par modèle ; l'API, opération par opération
            yield from _noms_d_url(motif.url_patterns)
        elif isinstance(motif, URLPattern) and motif.name:
            yield motif.name


@pytest.fixture
def noms_des_pages() -> set[str]:
    """Les noms des adresses du site lus dans sa configuration (hors administration et API) : un test qui doit
    couvrir chaque page échoue quand une page nouvelle n'y est pas classée."""
    return set(_noms_d_url(get_resolver().url_patterns))
