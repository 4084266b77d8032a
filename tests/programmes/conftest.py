import pytest

from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Programme


@pytest.fixture
def pvd(db):
    """Le programme PVD, créé par la migration de données."""
    return Programme.objects.get(slug="pvd")


@pytest.fixture
def lot(pvd):
    """L'exemple du Lot (communiqué du 27 juillet 2021 et ORT publiques), chargé par les services."""
    charger_exemple_lot(pvd)
    return pvd
