"""Données ouvertes du plan d'action : schémas validés par frictionless, rien de non publié ni d'envisagé."""

import csv
import io
from datetime import date

import pytest
from frictionless import Resource, Schema, validate

from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Evenement, Programme
from pvd.programmes.services import publication_definir
from pvd.publication.exports import produire
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)


@pytest.fixture
def pvd():
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    cadre = Convention.objects.filter(epci_id="200066371", type="cadre_ort").order_by("pk").first()
    gramat = Commune.objects.get(code="46128")
    fiche = services.fiche_create(
        convention=cadre,
        numero="1.1",
        intitule="=Halle, « couverte »",
        axe=Axe.objects.get(code="habitat"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="1000.50",
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="État"),
        dispositif=Dispositif.objects.get(code="fonds-vert"),
        montant="400",
        statut="accordee",
        date_demande=date(2024, 1, 1),
        date_decision=date(2024, 3, 1),
        reference_decision="FV-2024-1",
        trace=TRACE,
    )
    services.ligne_create(fiche=fiche, financeur=gramat, montant="600.50", trace=TRACE)
    return programme


@pytest.mark.parametrize("jeu", ["fiches_actions", "lignes_financement"])
def test_chaque_csv_respecte_son_schema(pvd, jeu, tmp_path):
    contenu, schema = produire(jeu, "csv", programme=pvd, au=date.today())
    chemin = tmp_path / f"{jeu}.csv"
    chemin.write_bytes(contenu)
    rapport = validate(
        Resource(path=chemin.name, basepath=str(tmp_path), schema=Schema.from_descriptor(schema))
    )
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))
    assert len(lignes) == 1  # une fiche ; une seule ligne publique (l'autofinancement est encore envisagé)
    if jeu == "fiches_actions":
        assert lignes[0]["intitule"] == "'=Halle, « couverte »" and lignes[0]["financement_total"] == "400.00"
    else:
        assert lignes[0]["dispositif_code"] == "fonds-vert" and lignes[0]["reference_decision"] == "FV-2024-1"
    assert produire(jeu, "xlsx", programme=pvd, au=date.today())[0][:2] == b"PK"


def test_rien_d_une_convention_non_publiee(pvd):
    cadre = Convention.objects.filter(epci_id="200066371", type="cadre_ort").order_by("pk").first()
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    contenu, _ = produire("fiches_actions", "csv", programme=pvd, au=date.today())
    assert contenu.decode("utf-8").count("\r\n") == 1  # l'en-tête seul
