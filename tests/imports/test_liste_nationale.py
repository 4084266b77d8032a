"""La liste nationale importée entière : identifiants partagés contestés, lignes d'exemple refusées, sources gardées."""

import contextlib
from datetime import date
from pathlib import Path

import pytest

import pvd.programmes
from pvd.imports.pipeline import TRACE_IMPORT, ImportRefuse, apercu, importer
from pvd.imports.rapport import fichier_compte_rendu, resume
from pvd.programmes import services
from pvd.programmes.models import DocumentSource, Evenement, Laureat, Programme, SourceLaureat
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db

LISTE = Path(pvd.programmes.__file__).parent / "donnees" / "anct-pvd-liste-2021-01-22.csv"
ENTETE = "id_pvd,insee_com,lib_com,insee_dep,date_signature\n"
PARTAGE = (
    ENTETE + "pvd-44-52-1,52064,Bourmont-entre-Meuse-et-Mouzon,52,\n"
    "pvd-44-52-1,52074,Breuvannes-en-Bassigny,52,\n"
    "pvd-76-46-9,46128,Gramat,46,\n"
    "pvd_0001,999999,Trifouilly-les-Oies,99,01/2021\n"
    ",12052,Capdenac-Gare,12,\n"
)


def etat():
    return (
        sorted(Laureat.objects.values_list("commune_id", "identifiant_national", "identifiant_conteste")),
        SourceLaureat.objects.count(),
        Evenement.objects.count(),
    )


def test_identifiant_partage_conteste_sur_chaque_commune_sans_lui_couter_sa_place():
    plan = apercu(PARTAGE.encode(), "liste-2021-01-22.csv", "anct-pvd")
    assert [ligne.statut for ligne in plan.lignes] == [
        "creation",
        "creation",
        "creation",
        "rejet",
        "creation",
    ]
    assert "porté aussi par Breuvannes-en-Bassigny (ligne 3)" in plan.lignes[0].avertissements[0]
    assert "Trifouilly-les-Oies" in plan.lignes[3].messages[0]
    assert "aucune commune ne porte ce code" in plan.lignes[3].messages[0]
    texte = resume(plan, ecrit=False)
    assert "2 lignes acceptées avec un avertissement" in texte
    assert "avertissement" in fichier_compte_rendu(plan).decode().splitlines()[0]
    # Capdenac-Gare, rangée sous l'Aveyron, suivie par le Lot : acceptée, et la ligne dit pourquoi.
    assert any("suivie par la préfecture du Lot" in m for m in plan.lignes[4].messages)
    with pytest.raises(ImportRefuse):
        importer(PARTAGE.encode(), "liste-2021-01-22.csv", "anct-pvd", trace=TRACE_IMPORT)
    importer(PARTAGE.encode(), "liste-2021-01-22.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True)
    assert etat()[0] == [
        ("12052", "", ""),
        ("46128", "pvd-76-46-9", ""),
        ("52064", "", "pvd-44-52-1"),
        ("52074", "", "pvd-44-52-1"),
    ]
    gramat = Laureat.objects.get(commune_id="46128")
    assert (gramat.date_selection, gramat.precision_selection) == (date(2021, 1, 22), "au_plus_tard")
    source = gramat.sources.get()
    assert (source.ligne, source.identifiant, source.document.date) == (4, "pvd-76-46-9", date(2021, 1, 22))
    assert source.document.exhaustif and source.document.perimetre is None
    assert Laureat.objects.get(commune_id="12052").sources.get().departement_lu == "12"
    # Une seconde fois : rien ne change.
    avant = etat()
    plan = importer(
        PARTAGE.encode(), "liste-2021-01-22.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True
    )
    assert (plan.comptes()["creation"], plan.comptes()["modification"]) == (0, 0)
    assert etat() == avant


def test_un_autre_fichier_ne_remplace_pas_un_identifiant_il_le_conteste_et_resserre_la_date():
    trace = services.Trace(canal="cli")
    pvd = Programme.objects.get(slug="pvd")
    gramat = services.laureat_register(
        programme=pvd,
        commune=Commune.objects.get(code="46128"),
        date_selection=date(2021, 7, 27),
        precision_selection="au_plus_tard",
        identifiant_national="pvd-76-46-2",
        trace=trace,
    )
    plan = importer(
        (ENTETE + "pvd-76-46-9,46128,Gramat,46,\n").encode(),
        "liste-2021-01-22.csv",
        "anct-pvd",
        trace=TRACE_IMPORT,
    )
    assert plan.comptes()["modification"] == 1
    assert "le registre garde le sien" in plan.lignes[0].avertissements[0]
    gramat.refresh_from_db()
    assert (gramat.identifiant_national, gramat.identifiant_conteste) == ("pvd-76-46-2", "pvd-76-46-9")
    assert (gramat.date_selection, gramat.precision_selection) == (date(2021, 1, 22), "au_plus_tard")
    # L'équipe nationale tranche : la commune garde le sien ; un réimport du même fichier ne rouvre rien.
    services.laureat_identifiant_trancher(laureat=gramat, identifiant=None, trace=trace)
    importer(
        (ENTETE + "pvd-76-46-9,46128,Gramat,46,\n").encode(),
        "liste-2021-01-22.csv",
        "anct-pvd",
        trace=TRACE_IMPORT,
    )
    gramat.refresh_from_db()
    assert (gramat.identifiant_national, gramat.identifiant_conteste) == ("pvd-76-46-2", "")


def test_trancher_refuse_un_identifiant_deja_porte():
    from django.core.exceptions import ValidationError

    importer(PARTAGE.encode(), "liste-2021-01-22.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True)
    trace = services.Trace(canal="cli")
    bourmont, breuvannes = Laureat.objects.filter(identifiant_conteste="pvd-44-52-1").order_by("commune_id")
    services.laureat_identifiant_trancher(laureat=bourmont, identifiant="pvd-44-52-1", trace=trace)
    with pytest.raises(ValidationError, match="déjà attribué"):
        services.laureat_identifiant_trancher(laureat=breuvannes, identifiant="pvd-44-52-1", trace=trace)
    bourmont.refresh_from_db()
    assert (bourmont.identifiant_national, bourmont.identifiant_conteste) == ("pvd-44-52-1", "")


def test_la_liste_nationale_livree_importee_entiere_dans_une_base_vide():
    """Le fichier embarqué, de bout en bout, sur SQLite comme sur PostgreSQL : 1 606 lauréates, une ligne refusée
    (l'exemple laissé par ses auteurs), 104 identifiants partagés par 251 communes ; la seconde fois, rien."""
    contenu = LISTE.read_bytes()
    assert not Laureat.objects.exists()
    plan = importer(contenu, LISTE.name, "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True)
    comptes = plan.comptes()
    assert (comptes["lignes"], comptes["creation"], comptes["rejet"]) == (1607, 1606, 1)
    assert plan.refusees[0].numero == 1516
    assert Laureat.objects.count() == 1606
    contestes = Laureat.objects.exclude(identifiant_conteste="")
    assert contestes.count() == 251
    assert contestes.values("identifiant_conteste").distinct().count() == 104
    assert Laureat.objects.exclude(identifiant_national="").count() == 770
    assert Laureat.objects.filter(
        precision_selection="au_plus_tard", date_selection=date(2021, 1, 22)
    ).count() == (1606)
    assert SourceLaureat.objects.count() == 1606
    assert DocumentSource.objects.get().date == date(2021, 1, 22)
    capdenac = Laureat.objects.get(commune_id="12052")
    assert capdenac.departement_suivi_id == "46"
    # Les 19 lignes du Lot (Cœur de Causse oui, Vayrac non) et Capdenac-Gare, rangée sous l'Aveyron.
    assert Laureat.objects.filter(departement_suivi_id="46").count() == 20
    avant = etat()
    plan = importer(contenu, LISTE.name, "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True)
    assert (plan.comptes()["creation"], plan.comptes()["modification"], plan.comptes()["rejet"]) == (0, 0, 1)
    assert etat() == avant


def test_la_demo_charge_la_liste_puis_le_lot_et_montre_leurs_desaccords(capsys):
    """L'ordre de `pvd demo` : la liste nationale par le pipeline, puis les faits du Lot par les services. Vayrac
    (communiqué seul) et Cœur de Causse (liste seule) : le registre garde les deux sources, `pvd check` le dit."""
    from django.core.management import call_command

    from pvd.imports.embarquees import liste_nationale_charger
    from pvd.programmes.demo import charger_exemple_lot

    trace = services.Trace(canal="demo")
    liste_nationale_charger(trace=trace)
    assert charger_exemple_lot() == {"laureats": 1, "sources": 20, "conventions": 16}
    lot = Laureat.objects.filter(departement_suivi_id="46")
    assert lot.count() == 21
    vayrac = lot.get(commune_id="46330")
    assert (vayrac.date_selection, vayrac.precision_selection) == (date(2021, 7, 27), "au_plus_tard")
    gramat = lot.get(commune_id="46128")
    assert (gramat.date_selection, gramat.sources.count()) == (date(2021, 1, 22), 2)
    avant = etat()
    assert liste_nationale_charger(trace=trace).comptes()["creation"] == 0
    assert charger_exemple_lot() == {"laureats": 0, "sources": 0, "conventions": 0}
    assert etat() == avant
    with contextlib.suppress(SystemExit):
        call_command("controle", departement="46", au="2024-01-01")
    texte = capsys.readouterr().out
    assert "Désaccords entre sources, à vérifier : 2" in texte
    assert "Vayrac (46330) est lauréate d'après « Communiqué de presse du préfet du Lot" in texte
    assert "Cœur de Causse (46138) est lauréate d'après « Liste nationale des lauréats PVD (ANCT)" in texte
    assert "qui donne toutes les lauréates pour le département du Lot" in texte
