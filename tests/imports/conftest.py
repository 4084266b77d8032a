"""Fixtures des tests d'import."""

import pytest

from pvd.programmes.models import Convention, Evenement, Laureat


@pytest.fixture
def empreinte():
    """`empreinte()` : ce qu'un import refusé ne doit pas changer (lauréats, conventions, journal, versions)."""

    def mesurer():
        return (
            Laureat.objects.count(),
            Convention.objects.count(),
            Evenement.objects.count(),
            sorted(Convention.objects.values_list("id", "version", "statut")),
        )

    return mesurer
