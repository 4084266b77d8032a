"""Fixtures des tests des travaux longs."""

import pytest

from pvd.programmes.models import Convention, Evenement, Laureat


@pytest.fixture
def empreinte():
    """`empreinte()` : ce qu'un travail échoué ne doit pas changer (lauréats, conventions, journal, versions)."""

    def mesurer():
        return (
            Laureat.objects.count(),
            Convention.objects.count(),
            Evenement.objects.count(),
            sorted(Convention.objects.values_list("id", "version", "statut")),
        )

    return mesurer
