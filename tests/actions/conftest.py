from datetime import date, datetime

import pytest
from django.utils import timezone

from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes.models import Evenement
from pvd.territoires.models import Commune

TRACE = services.Trace(canal=Evenement.Canal.CLI)


@pytest.fixture
def gramat(db):
    return Commune.objects.get(code="46128")


@pytest.fixture
def fiche(cadre, gramat):
    """Une fiche « 1.1 » portée par Gramat, 100 000 € HT / 120 000 € TTC, fin prévue en 2024."""
    return services.fiche_create(
        convention=cadre,
        numero="1.1",
        intitule="Requalification de la place du foirail",
        axe=Axe.objects.get(code="formes-urbaines-patrimoine", programme=None),
        maitre_ouvrage=services.organisation_obtenir(commune=gramat, trace=TRACE),
        communes=[gramat],
        cout_ht="100000",
        cout_ttc="120000",
        date_debut=date(2023, 3, 1),
        precision_debut="mois",
        date_fin=date(2024, 6, 1),
        precision_fin="annee",
        cree_le=timezone.make_aware(datetime(2023, 1, 15, 10)),
        trace=TRACE,
    )


@pytest.fixture
def etat(db):
    return Organisation.objects.get(nom="État")


@pytest.fixture
def detr(db):
    return Dispositif.objects.get(code="detr")
