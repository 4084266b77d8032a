"""Le fichier déposé et la correspondance des colonnes : le site et `pvd import` passent par les mêmes services."""

import json

import pytest
from django.core.management import call_command

from pvd.accounts import perimetres
from pvd.accounts.services import utilisateur_creer
from pvd.imports import selectors, services
from pvd.imports.models import CorrespondanceColonnes, FichierImport
from pvd.imports.pipeline import TRACE_IMPORT
from pvd.programmes.models import Laureat
from pvd.territoires.models import Departement

pytestmark = pytest.mark.django_db
TABLEUR = "Ville lauréate;Signée le\nGramat;27/07/2021\n"
COLONNES = {"Ville lauréate": "commune", "Signée le": "date_signature"}


@pytest.fixture
def lot():
    return Departement.objects.get(code="46")


def test_pvd_import_retient_la_correspondance_du_departement(tmp_path, lot, redacteur):
    chemin = tmp_path / "suivi.csv"
    chemin.write_text(TABLEUR, encoding="utf-8")
    call_command("import", str(chemin), source="tableur", departement="46", colonnes=json.dumps(COLONNES))
    assert Laureat.objects.filter(commune_id="46128").exists()
    assert CorrespondanceColonnes.objects.get(departement=lot).correspondances == COLONNES
    # Le site la propose au dépôt suivant du même département.
    fichier = services.fichier_deposer(
        auteur=redacteur, nom="autre.csv", contenu=b"x", source="tableur", departement=lot
    )
    assert (
        selectors.correspondance_retenue(fichier, ["Ville lauréate", "Signée le", "Autre"], None) == COLONNES
    )


def test_correspondance_retenue_dans_l_ordre(lot, redacteur):
    titres = ["Ville lauréate", "Signée le"]
    fichier = services.fichier_deposer(
        auteur=redacteur, nom="a.csv", contenu=b"x", source="tableur", departement=lot
    )
    devinee = selectors.correspondance_retenue(fichier, titres, None)
    assert devinee["Ville lauréate"] == "commune"
    services.correspondance_retenir(
        departement=lot, source="tableur", correspondance={"Signée le": "commune"}
    )
    assert selectors.correspondance_retenue(fichier, titres, None) == {"Signée le": "commune"}
    assert selectors.correspondance_retenue(fichier, titres, {"Ville lauréate": "commune"}) == {
        "Ville lauréate": "commune"
    }
    impose = services.fichier_deposer(
        auteur=redacteur,
        nom="b.csv",
        contenu=b"x",
        source="tableur",
        departement=lot,
        correspondance=COLONNES,
    )
    assert selectors.correspondance_retenue(impose, ["Signée le"], None) == {"Signée le": "date_signature"}


def test_le_fichier_importe_est_efface(lot, redacteur):
    fichier = services.fichier_deposer(
        auteur=redacteur, nom="suivi.csv", contenu=TABLEUR.encode(), source="tableur", departement=lot
    )
    assert selectors.fichier_en_attente(pk=fichier.pk, auteur=redacteur) == fichier
    services.fichier_importer(fichier=fichier, trace=TRACE_IMPORT, correspondance=COLONNES)
    assert not FichierImport.objects.exists()
    assert CorrespondanceColonnes.objects.get(departement=lot).correspondances == COLONNES


def test_departements_ecrits_comme_peut_ecrire_departement(redacteur, lecteur):
    national = utilisateur_creer(
        email="anct@anct.gouv.fr", role="national", mot_de_passe="mot-de-passe-de-test-3"
    )
    assert list(perimetres.departements_ecrits(redacteur).values_list("code", flat=True)) == ["46"]
    assert not perimetres.departements_ecrits(lecteur).exists()
    tous = perimetres.departements_ecrits(national)
    assert tous.count() == Departement.objects.count()
    for compte in (redacteur, lecteur, national):
        codes = set(perimetres.departements_ecrits(compte).values_list("code", flat=True))
        assert codes == {
            d.code for d in Departement.objects.all() if perimetres.peut_ecrire_departement(compte, d.code)
        }


def test_lecture_hors_de_la_transaction_d_ecriture(redacteur, monkeypatch):
    """Issue 14, point 4 : le fichier est lu et ses communes résolues avant que la transaction d'écriture s'ouvre
    (sur SQLite, elle prend le verrou d'écriture) ; seuls le plan refait d'après le registre et l'écriture y sont."""
    from django.db import connection

    from pvd.imports import ecriture, pipeline, planification
    from pvd.imports.services import fichier_deposer, fichier_importer
    from pvd.programmes.services import Trace

    profondeurs: dict[str, set[int]] = {"lecture": set(), "plan": set(), "ecriture": set()}

    def espion(etape, fonction):
        def appel(*args, **kwargs):
            profondeurs[etape].add(len(connection.atomic_blocks))
            return fonction(*args, **kwargs)

        return appel

    monkeypatch.setattr(pipeline, "_communes_de_la_ligne", espion("lecture", pipeline._communes_de_la_ligne))
    monkeypatch.setattr(planification, "_planifier", espion("plan", planification._planifier))
    monkeypatch.setattr(ecriture, "_executer", espion("ecriture", ecriture._executer))
    depart = len(connection.atomic_blocks)  # la transaction du test lui-même
    fichier = fichier_deposer(
        auteur=redacteur,
        nom="lot.csv",
        contenu=b"insee_com,lib_com\n46128,Gramat\n46309,Souillac\n",
        source="anct-pvd",
        departement=None,
    )
    plan = fichier_importer(
        fichier=fichier, trace=Trace(auteur=redacteur, canal="import"), correspondance=None
    )
    assert plan.comptes()["creation"] == 2
    assert profondeurs["lecture"] == {depart}
    assert profondeurs["plan"] == {depart + 1} and profondeurs["ecriture"] == {depart + 1}


def test_pieces_du_pipeline_et_regles_des_services():
    """Issue 11 : le pipeline en pièces (colonnes, lecture, plan, écriture), ses noms publics toujours importables
    depuis `pipeline` ; le seuil de population et la commune disparue sont ceux des services, pas une copie."""
    from pvd.imports import colonnes, ecriture, pipeline, planification
    from pvd.programmes.services import commune_hors_seuil

    assert pipeline.importer is ecriture.importer and pipeline.apercu is ecriture.apercu
    assert pipeline.TRACE_IMPORT is ecriture.TRACE_IMPORT and pipeline.SOURCES is colonnes.SOURCES
    assert pipeline.proposer_correspondance is colonnes.proposer_correspondance
    assert pipeline.preparer is planification.preparer and pipeline.planifier is planification.planifier
    plan = pipeline.apercu(b"Commune\nRodez\n", "seuil.csv", "tableur", correspondance={"Commune": "commune"})
    rodez = plan.lignes[0]
    assert rodez.statut == "rejet"
    assert commune_hors_seuil(plan.programme, rodez.communes[0]) in rodez.messages[0]
    assert "Un import ne le peut pas : inscrivez-la depuis sa fiche." in rodez.messages[0]


def test_ecriture_importable_seule():
    """`ecriture` importé le premier (sans passer par `pipeline`) ne tourne pas en boucle."""
    import os
    import subprocess
    import sys

    code = "import django; django.setup(); import pvd.imports.ecriture as e; print(e.importer.__name__)"
    sortie = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pvd.config.settings.test"},
        check=False,
    )
    assert sortie.returncode == 0, sortie.stderr[-2000:]
    assert sortie.stdout.strip() == "importer"
