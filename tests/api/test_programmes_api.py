"""API du programme : lectures « au », filtre par département de suivi, écritures par les services, ETag."""

import json

import pytest
from django.test import Client

from pvd.programmes.models import Convention

pytestmark = pytest.mark.django_db


def cazals():
    return Convention.objects.get(epci_id="200035327", type="adhesion")


def test_programmes(client, lot):
    donnees = client.get("/api/v1/programmes").json()
    assert [programme["slug"] for programme in donnees] == ["acv", "pvd"]  # par date de début
    pvd = donnees[1]
    assert {"origine": "adhesion", "cible": "cadre_ort", "delai_mois": 18} in pvd["regles_echeance"]
    assert client.get("/api/v1/programmes/pvd").json()["nom_court"] == pvd["nom_court"]
    assert client.get("/api/v1/programmes/vda").status_code == 404


def test_laureats_du_lot_au_27_juillet_2021(client, lot):
    donnees = client.get(
        "/api/v1/laureats", {"programme": "pvd", "departement": "46", "au": "2021-07-27"}
    ).json()
    assert donnees["total"] == 20
    capdenac = next(item for item in donnees["resultats"] if item["commune"]["insee"] == "12052")
    assert (capdenac["commune"]["departement"], capdenac["departement_suivi"]) == ("12", "46")
    ort = next(j for j in capdenac["jalons"] if j["etape"] == "cadre_ort")
    assert ort["echeance"] == "2023-01-27"
    assert client.get("/api/v1/laureats", {"departement": "12"}).json()["total"] == 0


def test_conventions_au_27_juillet_2021(client, lot):
    donnees = client.get(
        "/api/v1/conventions", {"departement": "46", "au": "2021-07-27", "type": "adhesion"}
    ).json()
    assert donnees["total"] == 7
    statuts = sorted(c["statut"] for c in donnees["resultats"])
    assert statuts == ["en_elaboration"] * 2 + ["signee"] * 5
    cauvaldor = next(c for c in donnees["resultats"] if c["epci"]["siren"] == "200066371")
    assert cauvaldor["date_signature"] == "2021-07-27"
    assert {"nom": "Michel Prosic", "qualite": "préfet du Lot", "organisme": "État"}.items() <= (
        cauvaldor["signataires"][0].items()
    )
    assert [c["insee"] for c in cauvaldor["communes"]][:2] == ["46309", "46185"]
    avant = client.get(
        "/api/v1/conventions", {"departement": "46", "au": "2021-07-26", "type": "adhesion"}
    ).json()
    assert all(c["statut"] == "en_elaboration" and c["date_signature"] is None for c in avant["resultats"])


def test_detail_et_etag(client, lot):
    reponse = client.get(f"/api/v1/conventions/{cazals().pk}")
    assert reponse["ETag"] == '"1"'
    assert reponse.json()["parent"] is None
    assert client.get("/api/v1/conventions/999999").status_code == 404


MAX_LISTE = 8  # mesuré : 8 (dont le jeton du registre, pour le cache), pour 2 résultats comme pour 50


def test_listes_a_nombre_de_requetes_fixe(client, lot, django_assert_max_num_queries):
    comptes = []
    for limit in (2, 50):
        with django_assert_max_num_queries(MAX_LISTE) as requetes:
            conventions = client.get("/api/v1/conventions", {"limit": limit})
        with django_assert_max_num_queries(MAX_LISTE) as requetes_laureats:
            laureats = client.get("/api/v1/laureats", {"limit": limit})
        assert conventions.status_code == laureats.status_code == 200
        comptes.append((len(requetes), len(requetes_laureats)))
    assert comptes[0] == comptes[1]


class TestEcritures:
    CORPS = {"type": "adhesion", "epci": "200035327", "communes": [{"insee": "46066"}]}

    def test_sans_session_401(self, client, lot):
        reponse = client.post("/api/v1/conventions", self.CORPS, content_type="application/json")
        assert reponse.status_code == 401
        assert "Authentification requise" in reponse.json()["detail"]

    def test_sans_session_401_meme_avec_le_controle_csrf(self, lot):
        client = Client(enforce_csrf_checks=True)
        reponse = client.post("/api/v1/conventions", self.CORPS, content_type="application/json")
        assert reponse.status_code == 401
        assert reponse.json()["detail"].startswith("Authentification requise")

    def test_session_sans_jeton_csrf_403_en_francais(self, lot, redacteur):
        client = Client(enforce_csrf_checks=True)
        client.force_login(redacteur)
        reponse = client.post("/api/v1/conventions", self.CORPS, content_type="application/json")
        assert reponse.status_code == 403
        assert "Jeton CSRF absent ou invalide" in reponse.json()["detail"]
        assert "CSRF check Failed" not in reponse.content.decode()

    def test_sans_droit_403(self, client, lot, lecteur):
        client.force_login(lecteur)
        reponse = client.post("/api/v1/conventions", self.CORPS, content_type="application/json")
        assert reponse.status_code == 403

    def test_creation(self, client, lot, redacteur):
        client.force_login(redacteur)
        corps = {
            **self.CORPS,
            "type": "avenant",
            "parent": cazals().pk,
            "date_signature_prevue": "2027-01-01",
        }
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json")
        assert reponse.status_code == 201, reponse.json()
        assert reponse["ETag"] == '"1"'
        assert reponse.json()["communes"][0]["insee"] == "46066"

    def test_creation_refusee_par_les_regles(self, client, lot, redacteur):
        client.force_login(redacteur)
        corps = {**self.CORPS, "communes": [{"insee": "46128"}]}
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json")
        assert reponse.status_code == 422
        assert "n'est pas membre" in reponse.json()["detail"]

    def test_affectation_de_masse_refusee(self, client, lot, redacteur):
        client.force_login(redacteur)
        corps = {**self.CORPS, "statut": "signee", "departement_suivi": "12"}
        reponse = client.post("/api/v1/conventions", corps, content_type="application/json")
        assert reponse.status_code == 422
        convention = cazals()
        reponse = client.patch(
            f"/api/v1/conventions/{convention.pk}",
            {"statut": "signee"},
            content_type="application/json",
            headers={"If-Match": '"1"'},
        )
        assert reponse.status_code == 422
        assert cazals().statut == "en_elaboration"

    def test_patch_et_if_match(self, client, lot, redacteur):
        client.force_login(redacteur)
        url = f"/api/v1/conventions/{cazals().pk}"
        corps = {"lieu_signature": "Cazals"}
        assert client.patch(url, corps, content_type="application/json").status_code == 428
        reponse = client.patch(url, corps, content_type="application/json", headers={"If-Match": '"1"'})
        assert reponse.status_code == 200
        assert reponse["ETag"] == '"2"'
        perime = client.patch(
            url, {"lieu_signature": "Salviac"}, content_type="application/json", headers={"If-Match": '"1"'}
        )
        assert perime.status_code == 412
        assert perime.json()["lieu_signature"] == "Cazals"
        assert cazals().lieu_signature == "Cazals"

    def test_signature(self, client, lot, redacteur, pdf):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(redacteur)
        url = f"/api/v1/conventions/{cazals().pk}/signature"
        signataires = json.dumps([{"partie": "etat", "nom": "", "qualite": "préfet du Lot"}])
        donnees = {
            "date_signature": "2021-11-02",
            "signataires": signataires,
            "document": SimpleUploadedFile("c.pdf", pdf, content_type="application/pdf"),
        }
        assert client.post(url, donnees).status_code == 428
        donnees["document"] = SimpleUploadedFile("c.pdf", pdf, content_type="application/pdf")
        reponse = client.post(url, donnees, headers={"If-Match": '"1"'})
        assert reponse.status_code == 200, reponse.json()
        assert reponse.json()["statut"] == "signee"
        assert cazals().document

    @pytest.mark.parametrize("signataires", ["pas du JSON", '{"partie": "etat"}', '["préfet du Lot"]'])
    def test_signataires_illisibles_422(self, client, lot, redacteur, signataires):
        """Le schéma refuse ce qui n'est pas une liste d'objets (jamais un `assert`, ôté par `python -O`)."""
        client.force_login(redacteur)
        reponse = client.post(
            f"/api/v1/conventions/{cazals().pk}/signature",
            {"date_signature": "2021-11-02", "signataires": signataires},
            headers={"If-Match": '"1"'},
        )
        assert reponse.status_code == 422
        assert reponse.json()["detail"] == "signataires : une liste JSON d'objets est attendue."
        assert cazals().statut == "en_elaboration"

    def test_signataires_textes_coupes_a_200_caracteres(self, client, lot, redacteur, pdf):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(redacteur)
        signataires = json.dumps([{"partie": "etat", "nom": "N" * 300, "qualite": "préfet du Lot", "x": 1}])
        reponse = client.post(
            f"/api/v1/conventions/{cazals().pk}/signature",
            {
                "date_signature": "2021-11-02",
                "signataires": signataires,
                "document": SimpleUploadedFile("c.pdf", pdf, content_type="application/pdf"),
            },
            headers={"If-Match": '"1"'},
        )
        assert reponse.status_code == 200, reponse.json()
        assert reponse.json()["signataires"][0]["nom"] == "N" * 200

    def test_openapi_decrit_les_erreurs(self, client):
        chemins = client.get("/api/v1/openapi.json").json()["paths"]
        patch = chemins["/api/v1/conventions/{pk}"]["patch"]["responses"]
        assert {"200", "401", "412", "422", "428"} <= set(patch)


def test_conventions_dans_l_ordre_alphabetique_francais_des_epci(client_lecteur, lot):
    """Triées par EPCI : « CC de la Vallée du Lot… » avant « CC Grand-Figeac », sur SQLite comme sur PostgreSQL."""
    donnees = client_lecteur.get(
        "/api/v1/conventions", {"programme": "pvd", "departement": "46", "limit": 100}
    ).json()
    epcis = [c["epci"]["nom"] for c in donnees["resultats"]]
    assert epcis.index("CC de la Vallée du Lot et du Vignoble") < epcis.index("CC Grand-Figeac")
