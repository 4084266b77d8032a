"""Le journal des changements : ses filtres sont ceux du sélecteur `programmes.selectors.journal`."""

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.programmes import selectors
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Evenement, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot():
    charger_exemple_lot(Programme.objects.get(slug="pvd"))


def test_journal_filtre_par_le_selecteur(client, lot):
    """Les filtres du journal : ceux de `selectors.journal`, une date illisible oubliée, JJ/MM/AAAA comme `?au=`."""
    national = utilisateur_creer(
        email="anct@anct.gouv.fr", role="national", mot_de_passe="mot-de-passe-de-test-3"
    )
    client.force_login(national)
    tout = selectors.journal()
    assert tout.count() == Evenement.objects.count() > 0
    conventions = selectors.journal(objet_type="convention")
    assert conventions.count() == Evenement.objects.filter(objet_type="convention").count()
    page = client.get("/journal/", {"objet_type": "convention", "du": "pas une date", "au": "31/12/2099"})
    assert page.status_code == 200
    assert page.context["filtres"]["du"] == "" and page.context["filtres"]["au"] == "31/12/2099"
    assert page.context["page"].paginator.count == conventions.count()
    assert ("convention", "convention") in page.context["types"]  # le code et son libellé
