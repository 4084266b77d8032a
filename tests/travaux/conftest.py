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


@pytest.fixture
def vider_la_file(monkeypatch):
    """`vider_la_file()` : ce que ferait `pvd worker`, ici, dans ce processus : exécuter les tâches en attente.

    Le travailleur de django-tasks ferme les connexions « périmées » entre deux tâches ; dans la transaction d'un
    test (PostgreSQL), il fermerait celle du test : on l'en empêche ici, et seulement ici."""
    from pvd.travaux.travailleur import travailleur

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    return lambda: travailleur(batch=True, veille=False).run()
