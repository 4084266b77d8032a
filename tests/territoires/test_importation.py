"""Le chargement du référentiel, sur les vraies données des paquets npm."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from pvd.territoires import importation
from pvd.territoires.importation import ReferentielIntrouvable, referentiel_importer
from pvd.territoires.models import (
    Alias,
    Appartenance,
    Commune,
    CommuneNomHistorique,
    Departement,
    Epci,
    EpciNomHistorique,
    Region,
)

pytestmark = pytest.mark.django_db


def test_le_millesime_2026_est_charge_en_entier():
    assert Commune.objects.actuelles().count() == 34_969
    assert Epci.objects.actuels().count() == 1_255
    assert Departement.objects.count() == 109
    assert (
        Appartenance.objects.filter(millesime=2026).count()
        == Commune.objects.filter(epci__isnull=False).count()
    )


def test_un_second_import_ne_change_rien(capsys):
    call_command("territoires", "import")
    sortie = capsys.readouterr().out
    assert "0 créé, 0 modifié. Rien n'a changé." in sortie
    assert "communes : 0 créé, 0 modifié" in sortie


def test_les_types_de_nom_insee_sont_gardes():
    lot, aveyron, haute_garonne, vosges, saone = (
        Departement.objects.get(code=c) for c in ("46", "12", "31", "88", "71")
    )
    assert lot.avec_charniere == "du Lot"
    assert aveyron.avec_charniere == "de l'Aveyron"
    assert haute_garonne.avec_charniere == "de la Haute-Garonne"
    assert vosges.avec_charniere == "des Vosges"
    assert saone.avec_charniere == "de Saône-et-Loire"
    assert Region.objects.get(code="76").nom == "Occitanie"


def test_chef_lieu_du_lot():
    lot = Departement.objects.select_related("chef_lieu").get(code="46")
    assert (lot.chef_lieu.code, lot.chef_lieu.nom) == ("46042", "Cahors")


def test_epci_interdepartemental():
    grand_figeac = Epci.objects.get(siren="200067361")
    assert sorted(grand_figeac.departements.values_list("code", flat=True)) == ["12", "46"]
    capdenac = Commune.objects.get(code="12052")
    assert capdenac.nom == "Capdenac-Gare"
    assert capdenac.epci_id == "200067361"
    assert capdenac.departement_id == "12"


def test_historique_2021():
    ancien = CommuneNomHistorique.objects.get(commune_id="46063", nature="ancien_nom")
    assert (ancien.nom, ancien.millesime) == ("Castelnau Montratier-Sainte Alauzie", 2021)
    assert Appartenance.objects.filter(millesime=2021, commune_id="12052", epci_id="200067361").exists()
    fusionnees = Commune.objects.filter(obsolete=True, remplacee_par__isnull=False)
    assert fusionnees.exists()
    for commune in fusionnees.select_related("remplacee_par")[:20]:
        assert not commune.remplacee_par.obsolete
    assert EpciNomHistorique.objects.filter(millesime=2021).exists()


def test_coordonnees_geonames():
    gramat = Commune.objects.get(code="46128")
    assert gramat.latitude == pytest.approx(44.78, abs=0.05)
    assert gramat.longitude == pytest.approx(1.72, abs=0.05)
    # Une petite commune absente de GeoNames n'a pas de coordonnées, et ce n'est pas une erreur.
    assert Commune.objects.actuelles().filter(latitude__isnull=True).count() > 10_000


def test_alias_de_reference():
    alias = Alias.objects.get(texte="Cauvaldor")
    assert alias.epci_id == "200066371"


def test_ne_supprime_jamais_une_commune_disparue_du_cog():
    Commune.objects.create(code="46999", nom="Commune fictive", departement_id="46", region_id="76")
    comptes = referentiel_importer(avec_historique=False, avec_coordonnees=False)
    fictive = Commune.objects.get(code="46999")
    assert fictive.obsolete
    assert comptes.lignes["communes"]["obsoletes"] == 1


def test_une_erreur_laisse_la_base_comme_avant(monkeypatch):
    Commune.objects.filter(code="46231").update(nom="Nom modifié à la main")

    def panne(*args, **kwargs):
        raise RuntimeError("panne simulée au milieu de l'import")

    monkeypatch.setattr(importation, "_importer_noms_historiques", panne)
    with pytest.raises(RuntimeError):
        referentiel_importer()
    # L'import aurait remis le nom officiel, mais tout a été annulé.
    assert Commune.objects.get(code="46231").nom == "Nom modifié à la main"


def test_paquets_absents_message_clair(tmp_path):
    with override_settings(NODE_MODULES_DIR=tmp_path), pytest.raises(ReferentielIntrouvable) as erreur:
        referentiel_importer()
    assert "npm ci" in str(erreur.value)


def test_population_d_un_epci_somme_de_ses_communes():
    """Une seule population par EPCI : celle de ses communes additionnées, pas le chiffre d'un autre recensement."""
    sommes = dict(
        Commune.objects.actuelles()
        .filter(epci__isnull=False)
        .values("epci")
        .annotate(total=Sum("population"))
        .values_list("epci", "total")
    )
    populations = dict(Epci.objects.actuels().values_list("siren", "population"))
    assert populations == sommes
