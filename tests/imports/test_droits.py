"""Un import n'écrit que ce que son auteur peut écrire par l'API : les droits d'écriture viennent de
`accounts.perimetres.peut_ecrire_departement`, ligne par ligne (issue 14, point 1).

Un agent de l'Aveyron (12) importe pour son département deux lignes dont le département de suivi est le Lot (46) :
Asprières (12012, de la CC Grand-Figeac, suivie par le Lot), qui deviendrait lauréate, et Capdenac-Gare (12052),
lauréate suivie par le Lot. L'aperçu les montre refusées (fichier, ligne, colonne, raison) et rien n'est écrit.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pvd.accounts.services import utilisateur_creer
from pvd.imports.pipeline import TRACE_IMPORT, ImportRefuse, apercu, importer
from pvd.imports.services import tableau_importer
from pvd.programmes.models import Convention, Laureat
from pvd.programmes.services import Trace

pytestmark = pytest.mark.django_db

FICHIER = (
    "Commune;Type;Signée le\nAsprières;adhésion;01/02/2022\nCapdenac-Gare;convention-cadre ORT;01/03/2024\n"
)
COLONNES = {"Commune": "commune", "Type": "type", "Signée le": "date_signature"}


@pytest.fixture
def aveyron(db):
    return utilisateur_creer(email="agent12@aveyron.gouv.fr", role="prefecture", departements=["12"])


def test_apercu_refuse_les_lignes_suivies_par_une_autre_prefecture(lot, aveyron, empreinte):
    from pvd.territoires.models import Departement

    avant = empreinte()
    plan = apercu(
        FICHIER.encode(),
        "aveyron.csv",
        "tableur",
        departement=Departement.objects.get(code="12"),
        correspondance=COLONNES,
        auteur=aveyron,
    )
    assert [ligne.statut for ligne in plan.lignes] == ["rejet", "rejet"]
    asprieres, capdenac = (" ".join(ligne.messages) for ligne in plan.lignes)
    assert "aveyron.csv, ligne 2, colonne « Commune »" in asprieres
    assert "Asprières (12012)" in asprieres and "préfecture du Lot (46)" in asprieres
    assert "aveyron.csv, ligne 3, colonne « Commune »" in capdenac
    assert "Capdenac-Gare (12052)" in capdenac and "préfecture du Lot (46)" in capdenac
    assert empreinte() == avant


def test_service_refuse_et_n_ecrit_rien(lot, aveyron, empreinte):
    from pvd.territoires.models import Departement

    avant = empreinte()
    trace = Trace(auteur=aveyron, canal="import")
    for valides_seulement in (False, True):
        try:
            tableau_importer(
                FICHIER.encode(),
                "aveyron.csv",
                "tableur",
                trace=trace,
                departement=Departement.objects.get(code="12"),
                correspondance=COLONNES,
                valides_seulement=valides_seulement,
            )
        except ImportRefuse as refus:
            assert not valides_seulement and len(refus.plan.refusees) == 2
    assert empreinte() == avant
    assert not Laureat.objects.filter(commune_id="12012").exists()


def test_la_prefecture_de_suivi_et_la_ligne_de_commande_ecrivent(lot, redacteur):
    from pvd.territoires.models import Departement

    trace = Trace(auteur=redacteur, canal="import")
    plan = importer(
        FICHIER.encode(),
        "lot.csv",
        "tableur",
        trace=trace,
        departement=Departement.objects.get(code="46"),
        correspondance=COLONNES,
    )
    assert not plan.refusees
    assert Laureat.objects.get(commune_id="12012").departement_suivi_id == "46"
    # La ligne de commande (`pvd import`, l'exploitant) n'a pas de compte : elle écrit tout.
    plan = apercu(FICHIER.encode(), "cli.csv", "tableur", correspondance=COLONNES)
    assert not plan.refusees
    assert importer(FICHIER.encode(), "cli.csv", "tableur", trace=TRACE_IMPORT, correspondance=COLONNES)


def test_depot_sur_le_site(client, lot, aveyron, empreinte):
    client.force_login(aveyron)
    avant = empreinte()
    fichier = SimpleUploadedFile("aveyron.csv", FICHIER.encode())
    reponse = client.post("/imports/", {"fichier": fichier, "source": "tableur", "departement": "12"})
    assert reponse.status_code == 302
    url = reponse.url
    donnees = {"colonne_0": "commune", "colonne_1": "type", "colonne_2": "date_signature", "action": "apercu"}
    page = client.post(url, donnees)
    assert page.status_code == 200
    html = page.content.decode()
    assert "suivie par la préfecture du Lot (46)" in html
    assert page.context["plan"].comptes()["rejet"] == 2
    signature = page.context["plan"].signature()
    for valides in ("", "1"):
        reponse = client.post(
            url, {**donnees, "action": "importer", "signature": signature, "valides_seulement": valides}
        )
        assert reponse.status_code in (200, 302)
    assert empreinte() == avant
    assert not Convention.objects.filter(communes__commune_id="12012").exists()
