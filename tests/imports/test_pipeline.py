"""Chaque source, du fichier aux lignes enregistrées ; refus en bloc, réimport sans effet, aperçu fidèle."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from pvd.imports.lecture import lire_tableau
from pvd.imports.pipeline import TRACE_IMPORT, ImportRefuse, apercu, importer
from pvd.programmes.models import Convention, Evenement, Laureat
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Appartenance, Departement, Epci

pytestmark = pytest.mark.django_db

ANCT = (
    "insee_com,lib_com,id_pvd,date_signature,Maire,Courriel\n"
    "46309,Souillac,pvd-76-46-1,2021-07-27,M. Dupont,maire@souillac.test\n"
    "46128,Gramat,pvd-76-46-2,2021-07-27,,\n"
    "46066,Cazals,pvd-76-46-3,,,\n"
    "12052,Capdenac-Gare,pvd-76-46-4,2021-07-27,,\n"
)


def test_liste_anct_de_bout_en_bout(capsys, empreinte):
    plan = importer(ANCT.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT)
    assert plan.comptes()["creation"] == 4
    assert plan.colonnes_ecartees == ["Maire", "Courriel"]
    souillac = Laureat.objects.get(commune_id="46309")
    assert (souillac.identifiant_national, souillac.date_selection, souillac.precision_selection) == (
        "pvd-76-46-1",
        date(2021, 7, 27),
        "au_plus_tard",
    )
    assert Laureat.objects.get(commune_id="46066").precision_selection == "inconnue"
    adhesions = Convention.objects.filter(type="adhesion")
    # Souillac et Gramat (Cauvaldor, même date) dans une convention ; Capdenac-Gare (Grand-Figeac) dans une autre.
    assert sorted(sorted(a.communes.values_list("commune_id", flat=True)) for a in adhesions) == [
        ["12052"],
        ["46128", "46309"],
    ]
    assert all(a.statut == "signee" and a.date_signature == date(2021, 7, 27) for a in adhesions)
    assert Evenement.objects.filter(canal="import").count() >= 6
    assert "Dupont" not in str(list(Evenement.objects.values_list("apres", flat=True)))
    # Le même fichier une seconde fois : rien ne change.
    avant = empreinte()
    plan = importer(ANCT.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT)
    assert (plan.comptes()["creation"], plan.comptes()["modification"], plan.comptes()["inchange"]) == (
        0,
        0,
        4,
    )
    assert empreinte() == avant


def test_une_ligne_refusee_bloque_tout(empreinte):
    fichier = (ANCT + "99999,Nulle part,,,,\n").encode()
    avant = empreinte()
    with pytest.raises(ImportRefuse, match="rien n'a été importé"):
        importer(fichier, "anct.csv", "anct-pvd", trace=TRACE_IMPORT)
    assert empreinte() == avant
    plan = importer(fichier, "anct.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True)
    assert plan.comptes()["rejet"] == 1
    assert Laureat.objects.count() == 4


def test_une_regle_du_programme_bloque_aussi(empreinte, lot_signe=None):
    # Gramat signée le 27/07/2021 ; un autre fichier dit le 01/09/2021 : conflit, rien n'est écrit.
    importer(ANCT.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT)
    contradictoire = (
        "insee_com,lib_com,id_pvd,date_signature\n46128,Gramat,pvd-76-46-2,2021-09-01\n46045,Cajarc,,\n"
    )
    avant = empreinte()
    plan = apercu(contradictoire.encode(), "autre.csv", "anct-pvd")
    assert [ligne.statut for ligne in plan.lignes] == ["rejet", "creation"]
    assert "signée le 27/07/2021" in plan.lignes[0].messages[-1]
    with pytest.raises(ImportRefuse):
        importer(contradictoire.encode(), "autre.csv", "anct-pvd", trace=TRACE_IMPORT)
    assert empreinte() == avant


def test_l_apercu_montre_ce_que_fait_l_ecriture():
    plan_apercu = apercu(ANCT.encode(), "anct.csv", "anct-pvd")
    assert Laureat.objects.count() == 0  # l'aperçu n'a rien laissé
    plan = importer(
        ANCT.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT, signature_apercu=plan_apercu.signature()
    )
    assert [(ligne.numero, ligne.statut) for ligne in plan.lignes] == [
        (ligne.numero, ligne.statut) for ligne in plan_apercu.lignes
    ]


def test_apercu_perime():
    plan_apercu = apercu(ANCT.encode(), "anct.csv", "anct-pvd")
    importer(
        b"insee_com,lib_com,id_pvd,date_signature\n46128,Gramat,,\n", "x.csv", "anct-pvd", trace=TRACE_IMPORT
    )
    with pytest.raises(ImportRefuse, match="a changé depuis l'aperçu"):
        importer(
            ANCT.encode(),
            "anct.csv",
            "anct-pvd",
            trace=TRACE_IMPORT,
            signature_apercu=plan_apercu.signature(),
        )


def test_liste_acv_dates_a_la_francaise():
    fichier = "insee_com;lib_com;id_acv;lib_acv;date_signature\n46042;Cahors;acv-46-1;Cahors;27-09-2018\n"
    importer(fichier.encode("cp1252"), "acv.csv", "anct-acv", trace=TRACE_IMPORT)
    cahors = Laureat.objects.get(commune_id="46042")
    assert cahors.programme.slug == "acv" and cahors.identifiant_national == "acv-46-1"
    assert Convention.objects.get(programme__slug="acv").date_signature == date(2018, 9, 27)


ORT = (
    "Suivi des ORT - campagne 2024;;;;;;;;;\n;;;;;;;;;\n"
    "Commune;EPCI;Département;Région;Code commune;Statut de la commune;Signée ?;Si signée, date de signature;"
    "Si non signée, date de signature envisagée;Durée (en années)\n"
    "46 - Gramat;CC Causses et Vallée de la Dordogne;Lot;Occitanie;46128;PVD;Oui;09/02/2023;;5\n"
    "46 - Souillac;CC Causses et Vallée de la Dordogne;Lot;Occitanie;46309;PVD;Oui;09/02/2023;;5\n"
    "46 - Cazals;CC Cazals-Salviac;Lot;Occitanie;46066;PVD;Non;;4e trimestre 2023;5\n"
)


def test_fichier_des_ort():
    importer(ANCT.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT)
    plan = importer(ORT.encode(), "ort.csv", "ort", trace=TRACE_IMPORT)
    assert plan.comptes()["creation"] == 3
    signee = Convention.objects.get(type="cadre_ort", statut="signee")
    assert sorted(signee.communes.values_list("commune_id", flat=True)) == ["46128", "46309"]
    assert (signee.date_signature, signee.duree_annees) == (date(2023, 2, 9), 5)
    prevue = Convention.objects.get(type="cadre_ort", statut="en_elaboration")
    assert (prevue.date_signature_prevue, prevue.precision_date_prevue) == (date(2023, 10, 1), "trimestre")
    assert importer(ORT.encode(), "ort.csv", "ort", trace=TRACE_IMPORT).comptes()["inchange"] == 3


def test_ort_d_une_commune_non_laureate():
    plan = apercu(ORT.encode(), "ort.csv", "ort")
    assert {ligne.statut for ligne in plan.lignes} == {"rejet"}
    assert "importez d'abord la liste des lauréats" in plan.lignes[0].messages[0]


def test_tableur_avec_plusieurs_communes_par_cellule_et_un_choix():
    fichier = (
        "Tableau de suivi PVD - Lot\n\n"
        "Commune(s)\tDate de signature\tMaire\n"
        "Lacapelle\t27/07/2021\tJean\n"
        "Puy l'évêque\t27/07/2021\t\n"
        "Cazals et Salviac\t\t\n"
        "Souillac, Martel et Gramat\t27/07/2021\t\n"
    ).encode()
    colonnes = {"Commune(s)": "commune", "Date de signature": "date_signature"}
    dep = Departement.objects.get(code="46")
    plan = apercu(fichier, "lot.tsv", "tableur", departement=dep, correspondance=colonnes)
    lacapelle = plan.lignes[0]
    assert lacapelle.statut == "ambigu"
    assert {c.code for c in lacapelle.candidats} >= {"46143", "46142"}
    assert [c.code for c in plan.lignes[2].communes] == ["46066", "46297"]
    assert [c.code for c in plan.lignes[3].communes] == ["46309", "46185", "46128"]
    plan = importer(
        fichier,
        "lot.tsv",
        "tableur",
        departement=dep,
        correspondance=colonnes,
        choix={str(lacapelle.numero): "46143"},
        trace=TRACE_IMPORT,
    )
    assert (
        Laureat.objects.filter(
            commune_id__in=["46143", "46231", "46066", "46297", "46309", "46185", "46128"]
        ).count()
        == 7
    )
    adhesions = Convention.objects.filter(type="adhesion", statut="signee")
    assert sorted(sorted(a.communes.values_list("commune_id", flat=True)) for a in adhesions) == [
        ["46128", "46185", "46309"],
        ["46143"],
        ["46231"],
    ]


def test_tableur_xlsx_cellules_fusionnees_et_dates_du_tableur():
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    feuille.append(["Suivi des conventions"])
    feuille.append(["EPCI", "Commune", "Signée le", "Remarque"])
    feuille.append(["CC Causses et Vallée de la Dordogne", "Gramat", date(2021, 7, 27), '=HYPERLINK("x")'])
    feuille.append([None, "Souillac", date(2021, 7, 27), ""])
    feuille.merge_cells("A3:A4")
    flux = io.BytesIO()
    classeur.save(flux)
    tableau = lire_tableau(flux.getvalue(), "suivi.xlsx")
    assert tableau.format == "xlsx"
    assert tableau.lignes[3][0] == "CC Causses et Vallée de la Dordogne"  # cellule fusionnée recopiée
    colonnes = {"Commune": "commune", "Signée le": "date_signature", "EPCI": "epci"}
    plan = importer(
        flux.getvalue(),
        "suivi.xlsx",
        "tableur",
        departement=Departement.objects.get(code="46"),
        correspondance=colonnes,
        trace=TRACE_IMPORT,
    )
    assert plan.comptes()["creation"] == 2
    assert Convention.objects.get().date_signature == date(2021, 7, 27)


def test_bombe_zip_refusee_en_un_instant():
    import time

    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    debut = time.perf_counter()
    with pytest.raises(FichierIllisible, match="archive suspecte"):
        lire_tableau(flux.getvalue(), "bombe.xlsx")
    assert time.perf_counter() - debut < 2  # lu dans le répertoire de l'archive, sans décompresser


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"", "le fichier est vide"),
        (b"PK\x03\x04pas une archive", "abîmé"),
        (b"\xff\xfe\x00\x00binaire\x00\x00", "n'est pas un fichier texte CSV"),
    ],
)
def test_fichiers_illisibles(contenu, message):
    with pytest.raises(FichierIllisible, match=message):
        apercu(contenu, "x.csv", "anct-pvd")


def test_commande_pvd_import(tmp_path, capsys):
    chemin = tmp_path / "anct.csv"
    chemin.write_text(ANCT + "99999,Nulle part,,,,\n", encoding="utf-8-sig")
    rapport = tmp_path / "compte-rendu.csv"
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import", str(chemin), source="anct-pvd", report=str(rapport))
    assert 'refusée,,"code commune « 99999 » : aucune commune ne porte ce code' in rapport.read_text()
    call_command("import", str(chemin), source="anct-pvd", dry_run=True)
    assert "Rien n'a été écrit" in capsys.readouterr().out
    assert Laureat.objects.count() == 0
    call_command("import", str(chemin), source="anct-pvd", valides_seulement=True, departement="12")
    sortie = capsys.readouterr().out
    assert "3 ignorées" in sortie and Laureat.objects.get().commune_id == "12052"


def test_une_ligne_refusee_a_l_ecriture_ne_laisse_rien():
    """Une commune passée d'un EPCI à un autre depuis 2021 : sa convention de 2021 avec son EPCI actuel est
    refusée par le registre ; avec « lignes valides seulement », son lauréat n'est pas gardé non plus."""
    avant = dict(Appartenance.objects.filter(millesime=2021).values_list("commune_id", "epci_id"))
    changee = next(
        a.commune
        for a in Appartenance.objects.filter(millesime=2026)
        .select_related("commune", "epci")
        .order_by("commune")
        if a.commune_id in avant
        and avant[a.commune_id] != a.epci_id
        and Epci.objects.filter(siren=avant[a.commune_id], obsolete=False).exists()
        and (a.commune.population or 0) < 20000
        and a.commune.departement_id != "46"
    )
    fichier = (ANCT + f"{changee.code},{changee.nom},,2021-07-27,,\n").encode()
    plan_apercu = apercu(fichier, "anct.csv", "anct-pvd")
    assert plan_apercu.lignes[-1].statut == "rejet"
    assert "n'est pas membre" in plan_apercu.lignes[-1].messages[-1]
    plan = importer(
        fichier,
        "anct.csv",
        "anct-pvd",
        trace=TRACE_IMPORT,
        valides_seulement=True,
        signature_apercu=plan_apercu.signature(),
    )
    assert plan.comptes()["rejet"] == 1 and plan.comptes()["creation"] == 4
    assert not Laureat.objects.filter(commune=changee).exists()
    assert Laureat.objects.count() == 4


def test_une_ligne_refusee_apres_une_premiere_ecriture_est_rejouee_sans_elle():
    """Gramat change d'identifiant (écrit) puis sa signature est refusée (avant l'ouverture de la convention) :
    avec « lignes valides seulement », l'identifiant n'est pas changé non plus."""
    from pvd.programmes import services
    from pvd.programmes.models import Programme
    from pvd.territoires.models import Commune

    importer(
        b"insee_com,lib_com,id_pvd,date_signature\n46128,Gramat,pvd-1,\n",
        "a.csv",
        "anct-pvd",
        trace=TRACE_IMPORT,
    )
    services.convention_create(
        programme=Programme.objects.get(slug="pvd"),
        type="adhesion",
        epci=Epci.objects.get(siren="200066371"),
        communes=[(Commune.objects.get(code="46128"), "laureate")],
        date_ouverture=date(2021, 9, 1),
        trace=TRACE_IMPORT,
    )
    fichier = b"insee_com,lib_com,id_pvd,date_signature\n46128,Gramat,pvd-2,2021-07-27\n46045,Cajarc,,\n"
    plan = importer(fichier, "b.csv", "anct-pvd", trace=TRACE_IMPORT, valides_seulement=True)
    assert [ligne.statut for ligne in plan.lignes] == ["rejet", "creation"]
    assert Laureat.objects.get(commune_id="46128").identifiant_national == "pvd-1"
    assert Laureat.objects.filter(commune_id="46045").exists()
    assert Convention.objects.get().statut != "signee"


MAX_IMPORT = (
    51  # mesuré : 51, pour 4 lignes comme pour 40 (adhésions déjà là, millésimes, 11 pour les sources)
)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_lignes(django_assert_max_num_queries):
    """Lauréats et conventions sont vérifiés puis écrits d'un bloc : 4 lignes ou 40, autant de requêtes."""
    from pvd.territoires.models import Commune
    from pvd.territoires.resolution import obtenir_index

    obtenir_index()  # construit une fois par processus, hors de la mesure
    codes = list(
        Commune.objects.actuelles()
        .filter(departement="46", population__lt=20000, epci__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)[:44]
    )

    def liste(morceau):
        return (
            "insee_com,lib_com,id_pvd,date_signature\n" + "".join(f"{c},,,2021-07-27\n" for c in morceau)
        ).encode()

    with django_assert_max_num_queries(MAX_IMPORT) as petite:
        assert importer(liste(codes[:4]), "a.csv", "anct-pvd", trace=TRACE_IMPORT).comptes()["creation"] == 4
    with django_assert_max_num_queries(MAX_IMPORT) as grande:
        assert importer(liste(codes[4:]), "b.csv", "anct-pvd", trace=TRACE_IMPORT).comptes()["creation"] == 40
    assert Convention.objects.count() > 2
    assert len(grande) == len(petite)


def test_tableur_d_avenants(empreinte):
    """Un avenant modifie la dernière convention-cadre signée de ses communes ; sans elle, la ligne est refusée."""
    from pvd.programmes.demo import charger_exemple_lot
    from pvd.programmes.models import Programme

    charger_exemple_lot(Programme.objects.get(slug="pvd"))
    fichier = (
        "Commune;Type;Date de signature\n"
        "Gramat;avenant n°1;15/03/2024\n"
        "Souillac;Avenant;15/03/2024\n"
        "Cazals;avenant;01/06/2023\n"  # sa convention-cadre est signée le 19/12/2023 : trop tôt
        "Capdenac-Gare;avenant;15/03/2024\n"  # pas de convention-cadre
    ).encode()
    colonnes = {"Commune": "commune", "Type": "type", "Date de signature": "date_signature"}
    dep = Departement.objects.get(code="46")
    plan = apercu(fichier, "avenants.csv", "tableur", departement=dep, correspondance=colonnes)
    assert [ligne.statut for ligne in plan.lignes] == ["creation", "creation", "rejet", "rejet"]
    assert "aucune convention-cadre signée au 01/06/2023" in plan.lignes[2].messages[-1]

    def ecrire():
        options = {"departement": dep, "correspondance": colonnes, "valides_seulement": True}
        return importer(fichier, "avenants.csv", "tableur", trace=TRACE_IMPORT, **options)

    ecrire()
    avenant = Convention.objects.get(type="avenant")
    assert avenant.parent.type == "cadre_ort" and avenant.parent.date_signature == date(2023, 2, 9)
    assert (avenant.statut, avenant.date_signature, avenant.epci_id) == (
        "signee",
        date(2024, 3, 15),
        "200066371",
    )
    assert sorted(avenant.communes.values_list("commune_id", flat=True)) == ["46128", "46309"]
    avant = empreinte()
    plan = ecrire()
    assert (plan.comptes()["creation"], plan.comptes()["modification"]) == (0, 0)
    assert empreinte() == avant


@pytest.fixture
def lot():
    from pvd.programmes.demo import charger_exemple_lot
    from pvd.programmes.models import Programme

    charger_exemple_lot(Programme.objects.get(slug="pvd"))


COLONNES_TABLEUR = '{"Commune": "commune", "Type": "type", "Date de signature": "date_signature"}'


def test_tableur_sans_colonnes_propose_la_correspondance(tmp_path, capsys):
    chemin = tmp_path / "suivi.csv"
    chemin.write_text(
        "Commune;Type;Date de signature;Remarque;Maire\nGramat;adhésion;27/07/2021;x;M. X\n", encoding="utf-8"
    )
    with pytest.raises(CommandError) as erreur:
        call_command("import", str(chemin), source="tableur", departement="46")
    assert erreur.value.returncode == 2
    assert "indiquez quelle colonne donne quel champ avec --colonnes" in str(erreur.value)
    sortie = capsys.readouterr().out
    assert "« Commune » → commune" in sortie and "« Remarque » → ignorée" in sortie
    assert "« Maire » → écartée (données personnelles, jamais importées)" in sortie
    assert "date_prevue : date de signature prévue" in sortie  # la liste des champs possibles
    assert f"--source tableur --colonnes '{COLONNES_TABLEUR}'" in sortie
    assert Convention.objects.count() == 0


def test_sortie_de_l_import_chaque_refus_une_fois_et_accordee(tmp_path, capsys, lot):
    chemin = tmp_path / "avenants.csv"
    chemin.write_text(
        "Commune;Type;Date de signature\n"
        "Gramat;avenant;15/03/2024\n"
        "Souillac;avenant;15/03/2024\n"
        "Lalbenque;avenant;16/03/2024\n"
        "Cazals;avenant;pas de date\n"
        "Capdenac-Gare;avenant;15/03/2024\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as erreur:
        call_command("import", str(chemin), source="tableur", departement="46", colonnes=COLONNES_TABLEUR)
    erreurs = capsys.readouterr().err
    assert "2 lignes refusées ou à préciser" in str(erreur.value)
    assert "6 lignes lues" not in erreurs and "5 lignes lues" in erreurs and "2 refusées" in erreurs
    refus = [ligne for ligne in erreurs.splitlines() if ligne.strip().startswith("ligne ")]
    assert len(refus) == 2 and all(ligne.count("n'est pas une date") <= 1 for ligne in refus)
    assert erreurs.count("pas de date") == 1 and "Capdenac-Gare" not in str(erreur.value)
    call_command(
        "import",
        str(chemin),
        source="tableur",
        departement="46",
        colonnes=COLONNES_TABLEUR,
        valides_seulement=True,
    )
    sortie = capsys.readouterr().out
    assert "Import réalisé : 3 créés, 0 modifié." in sortie
    assert "(s)" not in sortie


def test_un_avenant_est_signe_au_masculin():
    """Les messages du plan accordent le type : « un avenant signé », « une convention d'adhésion signée »."""
    from types import SimpleNamespace

    from pvd.imports.pipeline import Ligne
    from pvd.imports.planification import _convention_signee_ou_prevue
    from pvd.territoires.models import Commune

    gramat = Commune.objects.get(code="46128")
    messages = {}
    for type_ in ("avenant", "adhesion"):
        existante = SimpleNamespace(type=type_, date_signature=date(2024, 3, 15), pk=1)
        for jour in (date(2024, 3, 16), None):
            ligne = Ligne(numero=2, valeurs={})
            liens = {"46128": [existante] if jour else []}
            _convention_signee_ou_prevue(None, ligne, gramat, type_, jour or date(2024, 3, 16), liens, {})
            messages[type_, bool(jour)] = " ".join(ligne.messages)
    assert "le registre a un avenant signé le 15/03/2024" in messages["avenant", True]
    assert "Gramat : avenant signé le 16/03/2024" in messages["avenant", False]
    assert "le registre a une convention d'adhésion signée le 15/03/2024" in messages["adhesion", True]
    assert "Gramat : convention d'adhésion signée le 16/03/2024" in messages["adhesion", False]
    assert not any("une avenant" in m or "avenant signée" in m for m in messages.values())


@pytest.mark.parametrize(
    ("cellule", "colonne", "prevue"),
    [
        ("2e trimestre 2022", "Date de signature", date(2022, 4, 1)),
        ("T2 2022", "Date de signature", date(2022, 4, 1)),
        ("1er trimestre 2023", "Date de signature", date(2023, 1, 1)),
        ("2e trimestre 2022", "Date prévue", date(2022, 4, 1)),
        ("T4 2022", "Date prévue", date(2022, 10, 1)),
    ],
)
def test_trimestres_acceptes_dans_un_tableur(cellule, colonne, prevue):
    """README : « 2e trimestre 2022 » est accepté comme date (prévue) ; une période n'est jamais un jour de
    signature : dans la colonne de la date de signature, elle dit quand la convention est prévue."""
    Convention.objects.all().delete()
    dep = Departement.objects.get(code="46")
    champ = "date_signature" if colonne == "Date de signature" else "date_prevue"
    fichier = f"Commune;Type;{colonne}\nGramat;adhésion;{cellule}\n".encode()
    plan = importer(
        fichier,
        "t.csv",
        "tableur",
        departement=dep,
        correspondance={"Commune": "commune", "Type": "type", colonne: champ},
        trace=TRACE_IMPORT,
    )
    assert plan.comptes()["rejet"] == 0, plan.lignes[0].messages
    convention = Convention.objects.get(communes__commune_id="46128")
    assert (convention.statut, convention.date_signature) == ("en_elaboration", None)
    assert (convention.date_signature_prevue, convention.precision_date_prevue) == (prevue, "trimestre")


def test_une_convention_signee_veut_un_jour():
    dep = Departement.objects.get(code="46")
    fichier = "Commune;Statut;Date de signature\nGramat;signée;2e trimestre 2022\n".encode()
    colonnes = {"Commune": "commune", "Statut": "statut", "Date de signature": "date_signature"}
    plan = apercu(fichier, "t.csv", "tableur", departement=dep, correspondance=colonnes)
    assert plan.lignes[0].statut == "rejet"
    assert "est une période, pas un jour" in plan.lignes[0].messages[0]


def _apercu_tableur(epci: str, commune: str = "Gramat"):
    fichier = f"EPCI;Commune;Signée le\n{epci};{commune};27/07/2021\n"
    return apercu(
        fichier.encode(),
        "suivi.csv",
        "tableur",
        departement=Departement.objects.get(code="46"),
        correspondance={"EPCI": "epci", "Commune": "commune", "Signée le": "date_signature"},
    )


def test_tableur_epci_inconnu_refuse():
    plan = _apercu_tableur("CC Totalement Inventée")
    (ligne,) = plan.lignes
    assert ligne.statut == "rejet"
    assert ligne.messages[0].startswith("colonne EPCI, « CC Totalement Inventée » : ")
    assert "videz la cellule" in ligne.messages[0]
    with pytest.raises(ImportRefuse):
        importer(
            "EPCI;Commune;Signée le\nCC Totalement Inventée;Gramat;27/07/2021\n".encode(),
            "suivi.csv",
            "tableur",
            departement=Departement.objects.get(code="46"),
            correspondance={"EPCI": "epci", "Commune": "commune", "Signée le": "date_signature"},
            trace=TRACE_IMPORT,
        )
    assert Convention.objects.count() == 0


def test_tableur_epci_qui_ne_reunit_pas_la_commune_refuse():
    (ligne,) = _apercu_tableur("CC Cazals-Salviac").lignes
    assert ligne.statut == "rejet"
    assert (
        "CC Cazals-Salviac (200035327) ne réunit pas Gramat (46128, membre de CC Causses" in ligne.messages[0]
    )
    (ligne,) = _apercu_tableur("Cauvaldor").lignes  # le bon EPCI, par son nom d'usage
    assert ligne.statut == "creation", ligne.messages


def test_ort_signee_sans_adhesion_signee_avertit_dans_l_apercu():
    importer(ANCT.encode(), "anct.csv", "anct-pvd", trace=TRACE_IMPORT)  # Cazals : adhésion non signée
    fichier = ORT.replace(";Non;;4e trimestre 2023;5", ";Oui;19/12/2023;;5")
    plan = apercu(fichier.encode(), "ort.csv", "ort")
    par_code = {ligne.communes[0].code: ligne for ligne in plan.lignes}
    assert any(
        m.startswith("attention : la convention-cadre ORT de Cazals serait signée le 19/12/2023")
        for m in par_code["46066"].messages
    )
    assert not any(m.startswith("attention") for m in par_code["46128"].messages)  # Gramat : adhésion signée
