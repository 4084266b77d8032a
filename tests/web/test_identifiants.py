"""Les identifiants contestés : visibles sur la page de la commune, listés et tranchés par l'équipe nationale seule."""

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.imports.pipeline import TRACE_IMPORT, importer
from pvd.programmes.models import Laureat

pytestmark = pytest.mark.django_db

LISTE = (
    "id_pvd,insee_com,lib_com,insee_dep,date_signature\n"
    "pvd-44-52-1,52064,Bourmont-entre-Meuse-et-Mouzon,52,\n"
    "pvd-44-52-1,52074,Breuvannes-en-Bassigny,52,\n"
    ",12052,Capdenac-Gare,12,\n"
)


@pytest.fixture
def liste(db):
    importer(LISTE.encode(), "anct-pvd-liste-2021-01-22.csv", "anct-pvd", trace=TRACE_IMPORT)


@pytest.fixture
def client_national(client):
    client.force_login(
        utilisateur_creer(email="anct@anct.gouv.fr", role="national", mot_de_passe="mot-de-passe-de-test-3")
    )
    return client


def test_la_page_de_la_commune_montre_l_identifiant_conteste_et_ses_sources(client_lecteur, liste):
    client = client_lecteur
    html = client.get("/communes/52064/").content.decode()
    assert "Identifiant national contesté : « pvd-44-52-1 »" in html
    assert 'href="/communes/52074/">Breuvannes-en-Bassigny</a>' in html
    assert "anct-pvd-liste-2021-01-22.csv, 22 janvier 2021, ligne 2" in html
    assert "Identifiant national contesté" not in client.get("/communes/12052/").content.decode()


def test_l_equipe_nationale_liste_et_tranche(client_national, liste, django_assert_max_num_queries):
    html = client_national.get("/programmes/pvd/").content.decode()
    assert 'href="/programmes/pvd/identifiants-contestes/"' in html
    with django_assert_max_num_queries(16):
        html = client_national.get("/programmes/pvd/identifiants-contestes/").content.decode()
    assert "1 identifiant contesté, porté par 2 communes" in html
    bourmont = Laureat.objects.get(commune_id="52064")
    breuvannes = Laureat.objects.get(commune_id="52074")
    url = "/programmes/pvd/identifiants-contestes/"
    client_national.post(url, {"laureat": bourmont.pk, "identifiant": "pvd-44-52-1", "action": "attribuer"})
    reponse = client_national.post(
        url, {"laureat": breuvannes.pk, "identifiant": "pvd-44-52-1", "action": "attribuer"}, follow=True
    )
    assert "déjà attribué" in reponse.content.decode()
    client_national.post(url, {"laureat": breuvannes.pk, "action": "ecarter"})
    bourmont.refresh_from_db()
    breuvannes.refresh_from_db()
    assert (bourmont.identifiant_national, bourmont.identifiant_conteste) == ("pvd-44-52-1", "")
    assert (breuvannes.identifiant_national, breuvannes.identifiant_conteste) == ("", "")
    assert "Aucun identifiant contesté" in client_national.get(url).content.decode()


def test_reserve_a_l_equipe_nationale(client_lecteur, redacteur, client, liste):
    assert client_lecteur.get("/programmes/pvd/identifiants-contestes/").status_code == 403
    bourmont = Laureat.objects.get(commune_id="52064")
    client.force_login(redacteur)
    reponse = client.post(
        "/programmes/pvd/identifiants-contestes/", {"laureat": bourmont.pk, "action": "ecarter"}
    )
    assert reponse.status_code == 403
    bourmont.refresh_from_db()
    assert bourmont.identifiant_conteste == "pvd-44-52-1"


def test_pvd_identifiants_et_pvd_check(liste, capsys):
    from django.core.management import call_command

    call_command("identifiants", "contestes")
    sortie = capsys.readouterr().out
    assert (
        "« pvd-44-52-1 » est donné à 2 communes : Bourmont-entre-Meuse-et-Mouzon (52064, ligne 2)" in sortie
    )
    call_command("identifiants", "attribuer", "--commune", "52074", "--identifiant", "pvd-44-52-1")
    call_command("identifiants", "ecarter", "--commune", "52064")
    assert "0 identifiant contesté" in (call_command("identifiants", "contestes") or capsys.readouterr().out)
    assert Laureat.objects.get(commune_id="52074").identifiant_national == "pvd-44-52-1"
