"""Le compte `demo` de `make demo` : administrateur national, il ouvre l'administration comme le dit le README."""

import pytest

from pvd.accounts.perimetres import perimetre_de
from pvd.web.management.commands.demo import COMPTE_DEMO, Command

pytestmark = pytest.mark.django_db


def test_le_compte_demo_est_administrateur_national_et_ouvre_l_admin(client, django_user_model):
    Command()._compte_demo()
    demo = django_user_model.objects.get(username=COMPTE_DEMO)
    assert perimetre_de(demo).role == "national"
    client.force_login(demo)
    html = client.get("/admin/").content.decode()
    assert "programmes/" in html  # les modèles sont listés : pas « vous n'avez pas la permission »
    assert client.get("/admin/territoires/alias/").status_code == 200
    assert client.get("/admin/programmes/convention/").status_code == 200


def test_un_ancien_compte_demo_est_remis_administrateur(client, django_user_model):
    ancien = django_user_model.objects.create_user(COMPTE_DEMO, password="x" * 20, is_staff=True)
    Command()._compte_demo()
    ancien.refresh_from_db()
    assert ancien.is_superuser
    client.force_login(ancien)
    assert client.get("/admin/programmes/convention/").status_code == 200
