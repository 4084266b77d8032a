"""Le contrat de l'API : 401 pour une écriture sans compte, messages en français pour un corps illisible, `erreurs`
dans chaque 422, `au=0` refusé, `If-Match` et chaque réponse d'erreur déclarés dans l'OpenAPI."""

import json

import pytest
from django.test import Client

from pvd.accounts.services import jeton_creer
from pvd.programmes.models import Convention

CAZALS_SALVIAC = "200035327"
CORPS = {"type": "adhesion", "epci": CAZALS_SALVIAC, "communes": [{"insee": "46066"}]}


def cazals() -> Convention:
    return Convention.objects.get(epci_id=CAZALS_SALVIAC, type="adhesion")


@pytest.fixture
def jeton(redacteur) -> dict:
    return {"Authorization": f"Bearer {jeton_creer(utilisateur=redacteur)}"}


@pytest.fixture
def openapi(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


class TestEcrituresSansCompte:
    @pytest.mark.parametrize(
        ("methode", "adresse", "corps"),
        [
            ("post", "/api/v1/conventions", json.dumps(CORPS)),
            ("post", "/api/v1/conventions", "{pas du JSON"),
            ("patch", "/api/v1/conventions/{pk}", '{"lieu_signature": "Cazals"}'),
            ("post", "/api/v1/conventions/{pk}/signature", "{}"),
        ],
    )
    def test_401_jamais_403(self, lot, methode, adresse, corps):
        client = Client(enforce_csrf_checks=True)
        reponse = getattr(client, methode)(
            adresse.format(pk=cazals().pk),
            corps,
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        assert reponse.status_code == 401
        assert reponse.json()["detail"].startswith("Authentification requise")

    def test_jeton_invalide_401(self, client, lot):
        reponse = client.post(
            "/api/v1/conventions",
            CORPS,
            content_type="application/json",
            headers={"Authorization": "Bearer faux"},
        )
        assert reponse.status_code == 401
        assert "Jeton d'API invalide" in reponse.json()["detail"]


class TestCorpsIllisibles:
    def test_json_mal_forme_400_en_francais(self, client, lot, jeton):
        reponse = client.post(
            "/api/v1/conventions", "{pas du JSON", content_type="application/json", headers=jeton
        )
        assert reponse.status_code == 400
        assert reponse.json()["detail"].startswith("Le corps de la requête n'est pas du JSON valide (ligne 1")
        assert "Cannot parse" not in reponse.content.decode()

    def test_pas_en_utf8_400_en_francais(self, client, lot, jeton):
        reponse = client.post(
            "/api/v1/conventions",
            '{"epci": "é"}'.encode("latin-1"),
            content_type="application/json",
            headers=jeton,
        )
        assert reponse.status_code == 400
        assert "n'est pas en UTF-8" in reponse.json()["detail"]

    def test_nul_dans_le_corps_400_qui_nomme_le_champ(self, client, lot, jeton):
        corps = {**CORPS, "communes": [{"insee": "46\x00066"}]}
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json", headers=jeton)
        assert reponse.status_code == 400
        assert reponse.json()["detail"] == (
            "Le champ « communes.0.insee » contient un caractère de contrôle (U+0000) : retirez-le."
        )

    def test_nul_dans_un_champ_de_formulaire_400(self, client, lot, jeton):
        reponse = client.post(
            f"/api/v1/conventions/{cazals().pk}/signature",
            {"date_signature": "2021-11-02", "signataires": "[]", "lieu_signature": "Caz\x00als"},
            headers={**jeton, "If-Match": '"1"'},
        )
        assert reponse.status_code == 400
        assert "« lieu_signature » contient un caractère de contrôle (U+0000)" in reponse.json()["detail"]
        assert cazals().lieu_signature != "Caz\x00als"


class TestChaque422NommeSesChamps:
    def test_schema(self, client, lot, jeton):
        reponse = client.post(
            "/api/v1/conventions", {"type": "x"}, content_type="application/json", headers=jeton
        )
        assert reponse.status_code == 422
        champs = {e["champ"] for e in reponse.json()["erreurs"]}
        assert {"type", "epci", "communes"} <= champs

    def test_liste_vide_accord_du_nombre(self, client, lot, jeton):
        corps = {**CORPS, "communes": []}
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json", headers=jeton)
        assert reponse.status_code == 422
        assert reponse.json()["erreurs"] == [
            {"champ": "communes", "message": "doit contenir au moins 1 élément"}
        ]

    def test_epci_inconnu(self, client, lot, jeton):
        reponse = client.post(
            "/api/v1/conventions",
            {**CORPS, "epci": "123456789"},
            content_type="application/json",
            headers=jeton,
        )
        assert reponse.status_code == 422
        assert reponse.json()["erreurs"] == [
            {"champ": "epci", "message": "aucun EPCI ne porte le SIREN « 123456789 »."}
        ]

    def test_regle_du_registre(self, client, lot, jeton):
        corps = {**CORPS, "communes": [{"insee": "46128"}]}
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json", headers=jeton)
        assert reponse.status_code == 422
        assert "n'est pas membre" in reponse.json()["detail"]
        assert reponse.json()["erreurs"] and all(e["message"] for e in reponse.json()["erreurs"])

    def test_signataires_illisibles(self, client, lot, jeton):
        reponse = client.post(
            f"/api/v1/conventions/{cazals().pk}/signature",
            {"date_signature": "2021-11-02", "signataires": "pas du JSON"},
            headers={**jeton, "If-Match": '"1"'},
        )
        assert reponse.status_code == 422
        assert reponse.json()["erreurs"] == [
            {"champ": "signataires", "message": "une liste JSON d'objets est attendue."}
        ]


class TestDates:
    @pytest.mark.parametrize(
        "adresse", ["/api/v1/laureats?au=0", "/api/v1/conventions?au=0", "/api/v1/laureats?au=1e9"]
    )
    def test_au_0_refuse_en_francais(self, client, lot, adresse):
        reponse = client.get(adresse)
        assert reponse.status_code == 422
        assert reponse.json()["erreurs"][0]["champ"] == "au"
        assert "n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)" in reponse.json()["detail"]

    def test_date_en_nombre_refusee_dans_un_corps(self, client, lot, jeton):
        """Pydantic lirait 0 comme le 1er janvier 1970 : un nombre n'est pas une date."""
        reponse = client.patch(
            f"/api/v1/conventions/{cazals().pk}",
            {"date_ouverture": 0},
            content_type="application/json",
            headers={**jeton, "If-Match": '"1"'},
        )
        assert reponse.status_code == 422
        assert reponse.json()["erreurs"] == [
            {"champ": "date_ouverture", "message": "doit être une date (AAAA-MM-JJ)"}
        ]
        assert cazals().version == 1


class TestIfMatch:
    def test_declare_et_obligatoire_dans_l_openapi(self, openapi):
        for chemin, methode in (
            ("/api/v1/conventions/{pk}", "patch"),
            ("/api/v1/conventions/{pk}/signature", "post"),
        ):
            parametres = openapi["paths"][chemin][methode]["parameters"]
            assert any(p["in"] == "header" and p["name"] == "If-Match" and p["required"] for p in parametres)

    def test_un_client_qui_suit_le_schema_ecrit(self, client, lot, jeton):
        lu = client.get(f"/api/v1/conventions/{cazals().pk}")
        reponse = client.patch(
            f"/api/v1/conventions/{cazals().pk}",
            {"lieu_signature": "Cazals"},
            content_type="application/json",
            headers={**jeton, "If-Match": lu["ETag"]},
        )
        assert reponse.status_code == 200

    @pytest.mark.parametrize("valeur", ["*", '"abc"', '"1" , "2"'])
    def test_illisible_400(self, client, lot, jeton, valeur):
        reponse = client.patch(
            f"/api/v1/conventions/{cazals().pk}",
            {"lieu_signature": "Cazals"},
            content_type="application/json",
            headers={**jeton, "If-Match": valeur},
        )
        assert reponse.status_code == 400
        assert reponse.json()["detail"].startswith("En-tête If-Match illisible")

    def test_liens_vers_la_modification(self, openapi):
        liens = openapi["paths"]["/api/v1/conventions"]["post"]["responses"]["201"]["links"]
        assert liens["Modifier"]["parameters"] == {
            "pk": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        }


def test_chaque_erreur_possible_est_declaree(openapi):
    attendus = {
        ("get", "/api/v1/communes/{code}"): {"400", "401", "404"},
        ("get", "/api/v1/laureats"): {"400", "401", "404", "422"},
        ("get", "/api/v1/laureats/{pk}"): {"400", "401", "404", "422"},
        ("get", "/api/v1/conventions/{pk}"): {"400", "401", "404", "422"},
        ("post", "/api/v1/conventions"): {"400", "401", "403", "404", "413", "422"},
        ("patch", "/api/v1/conventions/{pk}"): {"400", "401", "403", "404", "412", "413", "422", "428"},
        ("post", "/api/v1/conventions/{pk}/signature"): {
            "400",
            "401",
            "403",
            "404",
            "412",
            "413",
            "422",
            "428",
        },
    }
    for (methode, chemin), statuts in attendus.items():
        reponses = openapi["paths"][chemin][methode]["responses"]
        assert statuts <= set(reponses), (methode, chemin)
        assert reponses.get(
            "422", {"content": {"application/json": {"schema": {"$ref": "ErreurValidation"}}}}
        )["content"]["application/json"]["schema"]["$ref"].endswith("ErreurValidation")
    ecriture = openapi["paths"]["/api/v1/conventions"]["post"]
    assert {"JetonApi", "AuthEcriture"} <= {nom for exigence in ecriture["security"] for nom in exigence}


def test_adresse_inconnue_de_l_api_404_en_json(client, db):
    reponse = client.get("/api/v1/communes/")
    assert reponse.status_code == 404
    assert reponse.json()["detail"].startswith("Aucune opération de l'API")
