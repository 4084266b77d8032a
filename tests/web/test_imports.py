"""Les pages d'import : dépôt, correspondance gardée pour le département, choix d'une commune, confirmation."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pvd.accounts.services import utilisateur_creer
from pvd.imports.models import CorrespondanceColonnes, FichierImport
from pvd.programmes.models import Laureat

pytestmark = pytest.mark.django_db
TABLEUR = (
    "Ville lauréate;Signée le;Téléphone du maire\nLacapelle;27/07/2021;05 00 00 00 00\nGramat;27/07/2021;\n"
)


def deposer(client, contenu=TABLEUR, source="tableur", departement="46"):
    fichier = SimpleUploadedFile("suivi.csv", contenu.encode("utf-8"))
    reponse = client.post("/imports/", {"fichier": fichier, "source": source, "departement": departement})
    assert reponse.status_code == 302, reponse.content.decode()[:1000]
    return reponse.url


def test_parcours_et_correspondance_gardee(client, redacteur):
    client.force_login(redacteur)
    url = deposer(client)
    html = client.get(url).content.decode()
    assert "« Téléphone du maire »" in html  # écartée
    assert 'name="choix_2"' in html and "Lacapelle-Marival" in html
    donnees = {"colonne_0": "commune", "colonne_1": "date_signature", "choix_2": "46143", "action": "apercu"}
    page = client.post(url, donnees)
    signature = page.context["plan"].signature()
    assert page.context["plan"].comptes()["creation"] == 2
    reponse = client.post(url, {**donnees, "action": "importer", "signature": signature})
    assert reponse.status_code == 302 and reponse.url == "/programmes/pvd/departements/46/"
    assert set(Laureat.objects.values_list("commune_id", flat=True)) == {"46143", "46128"}
    assert CorrespondanceColonnes.objects.get(departement_id="46").correspondances == {
        "Ville lauréate": "commune",
        "Signée le": "date_signature",
    }
    assert not FichierImport.objects.exists()
    # La fois suivante, la correspondance est proposée d'elle-même.
    url = deposer(client, "Ville lauréate;Signée le\nCajarc;\n")
    assert client.get(url).context["correspondance"] == {
        "Ville lauréate": "commune",
        "Signée le": "date_signature",
    }


def test_refus_en_bloc_affiche(client, redacteur):
    client.force_login(redacteur)
    url = deposer(client, "insee_com,lib_com\n99999,Nulle part\n46128,Gramat\n", source="anct-pvd")
    reponse = client.post(url, {"action": "importer"})
    assert "rien n&#x27;a été importé" in reponse.content.decode()
    assert not Laureat.objects.exists()


def test_fichier_d_un_autre_compte_introuvable(client, redacteur):
    client.force_login(redacteur)
    url = deposer(client)
    autre = utilisateur_creer(email="autre@lot.gouv.fr", role="prefecture", departements=["46"])
    client.force_login(autre)
    assert client.get(url).status_code == 404


def test_une_collectivite_n_importe_pas(client):
    cdp = utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=["200066371"])
    client.force_login(cdp)
    assert client.get("/imports/").status_code == 403


class TestDepartementDuLecteurDeCommuniques:
    """Le département du communiqué est d'avance celui du compte ; sans département propre, celui que nomme le texte."""

    TEXTE = "Le préfet du Lot a signé le 27 juillet 2021 la convention d'adhésion de la commune de Gramat."

    def test_le_departement_du_compte(self, client):
        compte = utilisateur_creer(
            email="anct@anct.gouv.fr",
            role="national",
            departements=["46"],
            mot_de_passe="mot-de-passe-de-test-3",
        )
        client.force_login(compte)
        html = client.get("/imports/communique/").content.decode()
        assert '<option value="46" selected>' in html

    def test_sans_departement_propre_celui_du_communique(self, client):
        compte = utilisateur_creer(
            email="anct@anct.gouv.fr", role="national", mot_de_passe="mot-de-passe-de-test-3"
        )
        client.force_login(compte)
        html = client.get("/imports/communique/").content.decode()
        assert '<option value="" selected>Celui que nomme le communiqué</option>' in html
        assert re.search(r'<option value="01"[^>]*selected', html) is None
        reponse = client.post(
            "/imports/communique/", {"texte": self.TEXTE, "departement": "", "action": "lire"}
        )
        assert reponse.context["proposition"]["departement"] == "46"
        assert "<mark>Gramat</mark>" in reponse.content.decode()
