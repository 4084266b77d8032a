"""Ce que publie un département d'un coup : ses lauréats et ses conventions signées, pas celles en élaboration."""

import pytest

from pvd.programmes.models import Convention, Evenement, Laureat, Programme
from pvd.programmes.services import Trace
from pvd.publication.services import departement_publier
from pvd.territoires.models import Departement

pytestmark = pytest.mark.django_db


def test_departement_publier(lot_a_signer):
    pvd = Programme.objects.get(slug="pvd")
    lot_a_signer(pvd)  # une adhésion en élaboration, qui ne se publie pas
    Laureat.objects.update(publie=False)
    Convention.objects.update(publie=False)
    lot = Departement.objects.get(code="46")
    publies = departement_publier(programme=pvd, departement=lot, trace=Trace(canal=Evenement.Canal.PAGE))
    conventions = Convention.objects.filter(departement_suivi=lot)
    assert conventions.filter(statut=Convention.Statut.EN_ELABORATION).exists()
    assert not conventions.filter(statut=Convention.Statut.EN_ELABORATION, publie=True).exists()
    assert not conventions.exclude(statut=Convention.Statut.EN_ELABORATION).filter(publie=False).exists()
    assert not Laureat.objects.filter(departement_suivi=lot, publie=False).exists()
    assert publies == Laureat.objects.filter(publie=True).count() + conventions.filter(publie=True).count()
    assert departement_publier(programme=pvd, departement=lot, trace=Trace(canal=Evenement.Canal.PAGE)) == 0
