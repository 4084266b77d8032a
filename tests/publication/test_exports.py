"""Les données ouvertes : schémas validés par frictionless, formules neutralisées, rien de non publié."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from frictionless import Resource, Schema, validate

from pvd.programmes import services
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Evenement, Laureat, Programme
from pvd.publication.exports import en_csv, en_xlsx, jeu_conventions, produire
from pvd.territoires.fichiers import lire_csv, neutraliser, restaurer
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
AU = date(2026, 11, 25)


@pytest.fixture
def pvd():
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    return programme


@pytest.mark.parametrize("jeu", ["laureats", "ort", "conventions"])
def test_chaque_csv_respecte_son_schema(pvd, jeu, tmp_path):
    contenu, schema = produire(jeu, "csv", programme=pvd, au=AU)
    chemin = tmp_path / f"{jeu}.csv"
    chemin.write_bytes(contenu)
    rapport = validate(
        Resource(path=chemin.name, basepath=str(tmp_path), schema=Schema.from_descriptor(schema))
    )
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))
    assert len(lignes) == (16 if jeu == "conventions" else 20)


def test_laureats_presentation_anct(pvd):
    contenu, _ = produire("laureats", "csv", programme=pvd, au=date(2021, 7, 27))
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))
    assert list(lignes[0]) == ["insee_com", "lib_com", "id_pvd", "date_signature", "date_signature_precision"]
    par_code = {ligne["insee_com"]: ligne for ligne in lignes}
    assert (par_code["46128"]["date_signature"], par_code["46128"]["date_signature_precision"]) == (
        "2021-07-27",
        "exacte",
    )
    assert par_code["46066"]["date_signature"] == ""  # Cazals : adhésion en élaboration


def test_une_date_au_plus_tard_le_dit_dans_les_exports(pvd):
    """Cazals : adhésion signée au plus tard le jour de son ORT (date exacte inconnue)."""
    contenu, _ = produire("laureats", "csv", programme=pvd, au=AU)
    cazals = next(
        x for x in csv.DictReader(io.StringIO(contenu.decode("utf-8"))) if x["insee_com"] == "46066"
    )
    assert (cazals["date_signature"], cazals["date_signature_precision"]) == ("2023-12-19", "au plus tard")
    contenu, _ = produire("conventions", "csv", programme=pvd, au=AU)
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))
    precisions = {(x["type"], x["communes_insee"]): x["date_signature_precision"] for x in lignes}
    assert precisions[("adhesion", "46066 ; 46297")] == "au plus tard"
    assert precisions[("cadre_ort", "46066 ; 46297")] == "exacte"


def test_ort_presentation_du_ministere(pvd):
    contenu, _ = produire("ort", "csv", programme=pvd, au=AU)
    lignes = {ligne["Code commune"]: ligne for ligne in csv.DictReader(io.StringIO(contenu.decode("utf-8")))}
    gramat = lignes["46128"]
    assert gramat["Commune"] == "46 - Gramat"
    assert (gramat["Signée ?"], gramat["Si signée, date de signature"], gramat["Durée (en années)"]) == (
        "Oui",
        "2023-02-09",
        "5",
    )
    assert gramat["Date de fin estimée"] == "2028-02-09"
    assert gramat["Actualisé par"] == ""
    assert lignes["12052"]["Avancement"] == "Non engagée"
    assert lignes["12052"]["Département"] == "Aveyron"


def test_geojson_garde_les_laureats_sans_coordonnees(pvd):
    Commune.objects.filter(code="46066").update(latitude=None, longitude=None)
    contenu, schema = produire("geojson", "json", programme=pvd, au=AU)
    donnees = json.loads(contenu)
    assert schema is None
    assert len(donnees["features"]) == 20
    assert donnees["sans_coordonnees"] == ["46066"]
    cazals = next(f for f in donnees["features"] if f["properties"]["insee_com"] == "46066")
    assert cazals["geometry"] is None
    gramat = next(f for f in donnees["features"] if f["properties"]["insee_com"] == "46128")
    lon, lat = gramat["geometry"]["coordinates"]
    assert 1.5 < lon < 2 and 44.5 < lat < 45


def test_formules_neutralisees_et_aller_retour(pvd):
    convention = Convention.objects.filter(type="adhesion", statut="signee").first()
    piege = '=HYPERLINK("http://exemple.invalid","clic")'
    convention.signataires.filter(partie="etat").update(qualite=piege)
    jeu = jeu_conventions(pvd, AU)
    ligne_csv = next(x for x in en_csv(jeu).decode("utf-8").splitlines() if x.startswith(f"{convention.pk},"))
    assert "'=HYPERLINK" in ligne_csv
    relu = lire_csv(en_csv(jeu), "conventions.csv")
    cellule = next(x for x in relu.lignes if x["id_convention"] == str(convention.pk))["signataires_qualites"]
    assert restaurer(cellule).startswith(piege)

    from openpyxl import load_workbook

    feuille = load_workbook(io.BytesIO(en_xlsx(jeu))).active
    valeurs = {ligne[0].value: ligne for ligne in feuille.iter_rows(min_row=2)}
    cellule = valeurs[convention.pk][13]
    assert cellule.data_type == "s"
    assert cellule.value.startswith(piege)
    for valeur in ("=1+1", "+33", "-2", "@SOMME", "\tx", "texte"):
        assert restaurer(neutraliser(valeur)) == valeur


def test_rien_de_non_publie(pvd, tmp_path):
    trace = services.Trace(canal=Evenement.Canal.CLI)
    secret = services.laureat_register(
        programme=pvd, commune=Commune.objects.get(code="46102"), date_selection=date(2022, 1, 1), trace=trace
    )
    convention = services.convention_create(
        programme=pvd,
        type="adhesion",
        epci=Epci.objects.get(siren="200067361"),
        communes=[(secret.commune, "laureate")],
        date_ouverture=date(2022, 1, 1),
        trace=trace,
    )
    for jeu in ("laureats", "ort", "conventions", "geojson"):
        contenu, _ = produire(jeu, "json" if jeu == "geojson" else "csv", programme=pvd, au=AU)
        assert "46102" not in contenu.decode("utf-8"), jeu
        interne, _ = produire(jeu, "json" if jeu == "geojson" else "csv", programme=pvd, au=AU, publics=False)
        assert "46102" in interne.decode("utf-8"), jeu
    assert not Laureat.objects.get(pk=secret.pk).publie and not convention.publie


def test_noms_des_signataires_seulement_sur_demande(pvd):
    assert "Michel Prosic" not in en_csv(jeu_conventions(pvd, AU)).decode("utf-8")
    assert "Michel Prosic" in en_csv(jeu_conventions(pvd, AU, avec_noms=True)).decode("utf-8")


def test_commande_export(pvd, tmp_path, capsys):
    sortie = tmp_path / "laureats.xlsx"
    call_command("export", "laureats", format="xlsx", output=str(sortie), au="2021-07-27")
    assert sortie.read_bytes()[:2] == b"PK"
    assert json.loads((tmp_path / "laureats.schema.json").read_text())["fields"][0]["name"] == "insee_com"
    call_command("export", "geojson", output=str(tmp_path / "l.geojson"))
    assert "0 lauréat(s) sans coordonnées" in capsys.readouterr().out
