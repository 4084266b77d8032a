"""L'API v1 : listes filtrées et bornées, détails, résolution, erreurs en français, jamais de 500."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_liste_des_communes_filtree(client):
    donnees = client.get("/api/v1/communes", {"departement": "46", "limit": 10}).json()
    assert donnees["total"] == 312  # communes du Lot au COG 2026
    assert len(donnees["resultats"]) == 10
    assert all(c["departement"] == "46" for c in donnees["resultats"])


def test_liste_des_communes_d_un_epci(client):
    donnees = client.get("/api/v1/communes", {"epci": "200067361", "limit": 500}).json()
    codes = {c["code"] for c in donnees["resultats"]}
    assert "12052" in codes and "46102" in codes


def test_detail_commune(client):
    donnees = client.get("/api/v1/communes/46063").json()
    assert donnees["nom"] == "Castelnau-Montratier"
    assert donnees["epci"]["siren"] == "200039519"
    assert any(a["nom"] == "Castelnau Montratier-Sainte Alauzie" for a in donnees["anciens_noms"])


def test_detail_epci(client):
    donnees = client.get("/api/v1/epci/200067361").json()
    assert donnees["departements"] == ["12", "46"]
    assert any(m["code"] == "12052" for m in donnees["membres"])


def test_liste_epci(client):
    donnees = client.get("/api/v1/epci", {"departement": "46", "nature": "CC"}).json()
    assert donnees["total"] >= 8
    assert all(e["nature"] == "CC" for e in donnees["resultats"])


@pytest.mark.parametrize("url", ["/api/v1/communes/99999", "/api/v1/epci/000000000"])
def test_code_inconnu_404_en_francais(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 404
    assert reponse.json()["detail"].startswith("Aucun")


@pytest.mark.parametrize(
    ("parametres", "champ"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": 10**12}, "offset"),
        ({"offset": -1}, "offset"),
        ({"limit": "beaucoup"}, "limit"),
    ],
)
def test_parametres_invalides_422_en_francais(client, parametres, champ):
    reponse = client.get("/api/v1/communes", parametres)
    assert reponse.status_code == 422
    donnees = reponse.json()
    assert donnees["detail"].startswith("Paramètres invalides")
    assert donnees["erreurs"][0]["champ"] == champ


def test_nature_inconnue_422(client):
    reponse = client.get("/api/v1/epci", {"nature": "XX"})
    assert reponse.status_code == 422
    assert "doit valoir" in reponse.json()["erreurs"][0]["message"]


def test_resolve_meme_reponse_que_la_cli(client, capsys):
    api = client.get("/api/v1/resolve", {"nom": "Puy l'évêque", "departement": "46"}).json()
    call_command("resolve", "Puy l'évêque", departement="46", format="json")
    import json

    cli = json.loads(capsys.readouterr().out)
    assert api == cli
    assert api["code"] == "46231"
    assert api["statut"] == "resolu"


def test_resolve_sans_nom_422(client):
    reponse = client.get("/api/v1/resolve")
    assert reponse.status_code == 422
    assert reponse.json()["erreurs"][0]["message"] == "ce paramètre est obligatoire"


def test_openapi_et_documentation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    chemins = schema["paths"]
    assert {"/api/v1/communes", "/api/v1/communes/{code}", "/api/v1/epci", "/api/v1/resolve"} <= set(chemins)
    assert "404" in chemins["/api/v1/communes/{code}"]["get"]["responses"]
    assert "422" in chemins["/api/v1/communes"]["get"]["responses"]
    assert client.get("/api/v1/docs").status_code == 200


def test_liste_a_nombre_de_requetes_fixe(client, django_assert_max_num_queries):
    comptes = []
    for limit in (5, 500):
        with django_assert_max_num_queries(3) as requetes:
            reponse = client.get("/api/v1/communes", {"limit": limit})
        assert reponse.status_code == 200
        assert len(reponse.json()["resultats"]) == limit
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1]


def test_membres_d_un_epci_dans_l_ordre_alphabetique_francais(client):
    noms = [m["nom"] for m in client.get("/api/v1/epci/200066371").json()["membres"]]
    assert noms.index("Bétaille") < noms.index("Bretenoux")
