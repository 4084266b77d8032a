"""Import de la maquette financière d'un plan d'action (issue 12) : une ligne par action, une colonne par financeur,
des totaux et des cellules fusionnées ; aperçu = écriture, réimport sans effet, droits ligne par ligne, messages."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from pvd.accounts.services import profil_organisation_definir, utilisateur_creer
from pvd.actions import services as actions_services
from pvd.actions.models import Axe, FicheAction, LigneFinancement, Organisation
from pvd.imports.colonnes import colonnes_maquette
from pvd.imports.ecriture import TRACE_IMPORT, maquette_apercu, maquette_importer
from pvd.imports.pipeline import ImportRefuse
from pvd.programmes.models import Convention, Evenement
from pvd.programmes.services import Trace
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
CAUVALDOR = "200066371"

MAQUETTE = """\
Plan de financement — convention-cadre Cauvaldor;;;;;;;;;
N° action;Intitulé;Maître d'ouvrage;Coût HT;État DETR;DSIL;Région;Département;Banque des Territoires;Autofinancement
Axe 3 – Formes urbaines, espace public et patrimoine;;;;;;;;;
1.1;Requalification de la place du foirail;Gramat;100 000;30 000;;20 000;10 000;;40 000
1.2;Halle de Souillac;Commune de Souillac;250000,50;;75 000;50000;;25 000;100 000,50

1.3;Étude de revitalisation;Cauvaldor;40000;;;;;20 000 €;20000
TOTAL;;;390 000,50;30 000;75 000;70 000;10 000;45 000;160 000,50
"""


def empreinte_plan():
    return (
        sorted(FicheAction.objects.values_list("id", "numero", "intitule", "version", "cout_ht")),
        sorted(
            LigneFinancement.objects.values_list("id", "fiche_id", "financeur_id", "dispositif_id", "montant")
        ),
        Organisation.objects.count(),
        Evenement.objects.count(),
    )


def _xlsx(lignes, fusions=()) -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    for ligne in lignes:
        feuille.append(ligne)
    for plage in fusions:
        feuille.merge_cells(plage)
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


def _plan_lu(plan):
    return {
        f.numero: (
            f.intitule,
            f.maitre_ouvrage.nom,
            f.axe.code,
            f.cout_ht,
            sorted(
                (lf.financeur.nom, lf.dispositif.code if lf.dispositif else "", lf.montant)
                for lf in f.lignes.all()
            ),
        )
        for f in FicheAction.objects.filter(convention=plan.convention).select_related(
            "maitre_ouvrage", "axe"
        )
    }


# Reconnaissance --------------------------------------------------------------------------------------------------


def test_reconnait_les_colonnes_et_leurs_financeurs(db):
    from pvd.actions.models import Dispositif

    dispositifs = list(Dispositif.objects.all())
    nationales = list(Organisation.objects.filter(siren=""))
    titres = [
        "N° action",
        "Intitulé de l'action",
        "Maître d'ouvrage",
        "Coût total HT (€)",
        "Coût TTC",
        "État – DETR",
        "DSIL",
        "Fonds vert",
        "Région Occitanie",
        "Conseil départemental",
        "Banque des Territoires",
        "Banque des Territoires (prêt)",
        "Anah",
        "FEDER",
        "Fonds propres",
        "Total financements",
        "Taux DETR",
        "Courriel du référent",
        "Observations",
    ]
    fixes, financeurs, ignorees, ecartees = colonnes_maquette(titres, dispositifs, nationales)
    assert [fixes[i] for i in sorted(fixes)] == [
        "numero",
        "intitule",
        "maitre_ouvrage",
        "cout_ht",
        "cout_ttc",
    ]
    lus = {
        titres[i]: f.dispositif.code
        if f.genre == "dispositif"
        else (f.organisation.nom if f.organisation else f.genre)
        for i, f in financeurs.items()
    }
    assert lus == {
        "État – DETR": "detr",
        "DSIL": "dsil",
        "Fonds vert": "fonds-vert",
        "Région Occitanie": "region",
        "Conseil départemental": "departement",
        "Banque des Territoires": "Banque des Territoires",
        "Banque des Territoires (prêt)": "bdt-pret",
        "Anah": "Agence nationale de l'habitat (Anah)",
        "FEDER": "feder",
        "Fonds propres": "autofinancement",
    }
    assert ignorees == ["Total financements", "Taux DETR", "Observations"]
    assert ecartees == ["Courriel du référent"]


def test_csv_avec_titre_intertitre_ligne_vide_et_total(cadre):
    plan = maquette_apercu(MAQUETTE.encode(), "maquette.csv", convention=cadre)
    statuts = [(ligne.numero, ligne.statut) for ligne in plan.lignes]
    assert statuts == [(3, "ignoree"), (4, "creation"), (5, "creation"), (7, "creation"), (8, "ignoree")]
    assert "axe « Formes urbaines" in plan.lignes[0].messages[0]
    assert "total" in plan.lignes[-1].messages[0]
    assert len(plan.fiches_a_creer) == 3
    assert len(plan.lignes_a_creer) == 10
    assert not FicheAction.objects.exists()  # l'aperçu n'écrit rien


def test_import_csv_ecrit_les_fiches_et_les_lignes(cadre):
    plan = maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    lu = _plan_lu(plan)
    assert lu["1.1"] == (
        "Requalification de la place du foirail",
        "Gramat",
        "formes-urbaines-patrimoine",
        Decimal("100000.00"),
        sorted(
            [
                ("Département du Lot", "", Decimal("10000.00")),
                ("Gramat", "autofinancement", Decimal("40000.00")),
                ("Région Occitanie", "", Decimal("20000.00")),
                ("État", "detr", Decimal("30000.00")),
            ]
        ),
    )
    assert lu["1.2"][1] == "Souillac" and lu["1.2"][3] == Decimal("250000.50")
    assert lu["1.3"][1] == "CC Causses et Vallée de la Dordogne (CAUVALDOR)" or "Causses" in lu["1.3"][1]
    assert ("Banque des Territoires", "", Decimal("20000.00")) in lu["1.3"][4]
    assert all(lf.statut == "envisagee" for lf in LigneFinancement.objects.all())
    region = Organisation.objects.get(nom="Région Occitanie")
    assert region.nature == "region" and region.siren == ""
    assert Evenement.objects.filter(objet_type="ficheaction", canal="import").count() == 3


def test_xlsx_fusions_et_total(cadre):
    """Un maître d'ouvrage fusionné sur deux actions vaut pour les deux ; un axe fusionné sur la largeur est un
    intertitre ; la ligne « Sous-total » est ignorée."""
    contenu = _xlsx(
        [
            ["Maquette financière", None, None, None, None, None],
            ["Fiche", "Intitulé", "Maître d'ouvrage", "Coût HT", "DETR", "Autofinancement"],
            ["Axe 1 - Habitat", None, None, None, None, None],
            ["2.1", "OPAH-RU", "Gramat", 80000, 20000, 60000],
            ["2.2", "Îlot dégradé", None, 50000, None, 50000],
            ["Sous-total", None, None, 130000, 20000, 110000],
        ],
        fusions=["A3:F3", "C4:C5"],
    )
    apercu = maquette_apercu(contenu, "maquette.xlsx", convention=cadre)
    assert [m for ligne in apercu.refusees for m in ligne.messages] == []
    plan = maquette_importer(contenu, "maquette.xlsx", convention=cadre, trace=TRACE_IMPORT)
    assert [ligne.statut for ligne in plan.lignes] == ["ignoree", "creation", "creation", "ignoree"]
    lu = _plan_lu(plan)
    assert lu["2.2"][1] == "Gramat" and lu["2.2"][2] == "habitat"
    assert lu["2.2"][4] == [("Gramat", "autofinancement", Decimal("50000.00"))]


def test_xlsx_montant_fusionne_sur_deux_actions_refuse(cadre):
    contenu = _xlsx(
        [
            ["N°", "Intitulé", "Maître d'ouvrage", "DETR"],
            ["1", "A", "Gramat", 10000],
            ["2", "B", "Gramat", None],
        ],
        fusions=["D2:D3"],
    )
    with pytest.raises(ImportRefuse) as refus:
        maquette_importer(contenu, "fusion.xlsx", convention=cadre, trace=TRACE_IMPORT, axe_par_defaut=_axe())
    messages = " ".join(m for ligne in refus.value.plan.refusees for m in ligne.messages)
    assert "fusion.xlsx, ligne 2, colonne « DETR »" in messages and "fusionnée" in messages
    assert not FicheAction.objects.exists()


def _axe():
    return Axe.objects.get(code="habitat", programme=None)


# Aperçu = écriture, réimport -------------------------------------------------------------------------------------


def test_l_apercu_est_ce_que_fait_l_ecriture(cadre):
    apercu = maquette_apercu(MAQUETTE.encode(), "maquette.csv", convention=cadre)
    ecrit = maquette_importer(
        MAQUETTE.encode(),
        "maquette.csv",
        convention=cadre,
        trace=TRACE_IMPORT,
        signature_apercu=apercu.signature(),
    )
    assert [(ligne.numero, ligne.statut, ligne.messages) for ligne in apercu.lignes] == [
        (ligne.numero, ligne.statut, ligne.messages) for ligne in ecrit.lignes
    ]
    assert FicheAction.objects.count() == len(apercu.fiches_a_creer)
    assert LigneFinancement.objects.count() == len(apercu.lignes_a_creer)


def test_reimporter_le_meme_fichier_ne_change_rien(cadre):
    maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    avant = empreinte_plan()
    plan = maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    assert plan.comptes()["creation"] == plan.comptes()["modification"] == 0
    assert empreinte_plan() == avant


def test_modifie_montants_et_garde_ce_que_le_fichier_ne_dit_plus(cadre):
    maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    autre = MAQUETTE.replace(
        "1.1;Requalification de la place du foirail;Gramat;100 000;30 000;;20 000;10 000;;40 000",
        "1.1;Requalification de la place du foirail;Gramat;110 000;35 000;;20 000;;;40 000",
    )
    apercu = maquette_apercu(autre.encode(), "v2.csv", convention=cadre)
    ligne = next(ligne for ligne in apercu.lignes if ligne.numero == 4)
    assert ligne.statut == "modification"
    assert any("30\u202f000 € → 35\u202f000 €" in m for m in ligne.messages)
    assert any("Département du Lot" in a and "gardée" in a for a in ligne.avertissements)
    maquette_importer(
        autre.encode(), "v2.csv", convention=cadre, trace=TRACE_IMPORT, signature_apercu=apercu.signature()
    )
    fiche = FicheAction.objects.get(convention=cadre, numero="1.1")
    assert fiche.cout_ht == Decimal("110000.00") and fiche.version == 2
    assert fiche.lignes.get(dispositif__code="detr").montant == Decimal("35000.00")
    assert fiche.lignes.filter(financeur__nom="Département du Lot").exists()  # jamais supprimée


def test_apercu_perime(cadre):
    apercu = maquette_apercu(MAQUETTE.encode(), "maquette.csv", convention=cadre)
    maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    avant = empreinte_plan()
    with pytest.raises(ImportRefuse, match="a changé depuis l'aperçu"):
        maquette_importer(
            MAQUETTE.encode(),
            "maquette.csv",
            convention=cadre,
            trace=TRACE_IMPORT,
            signature_apercu=apercu.signature(),
        )
    assert empreinte_plan() == avant


# Droits ----------------------------------------------------------------------------------------------------------


def test_droits_ligne_par_ligne(cadre):
    prefecture = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    avant = empreinte_plan()
    plan = maquette_apercu(MAQUETTE.encode(), "maquette.csv", convention=cadre, auteur=prefecture)
    refusees = plan.refusees
    assert [ligne.numero for ligne in refusees] == [4, 5, 7]
    assert (
        "maquette.csv, ligne 4, colonne « N° action » : votre compte ne peut pas écrire le plan"
        in " ".join(refusees[0].messages)
    )
    with pytest.raises(ImportRefuse):
        maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=Trace(auteur=prefecture))
    assert empreinte_plan() == avant
    collectivite = utilisateur_creer(email="cdp@cauvaldor.fr", role="collectivite", epcis=[CAUVALDOR])
    plan = maquette_importer(
        MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=Trace(auteur=collectivite)
    )
    assert not plan.refusees and FicheAction.objects.count() == 3


def test_un_partenaire_change_les_montants_de_ses_lignes_seulement(cadre):
    maquette_importer(MAQUETTE.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    bdt = Organisation.objects.get(nom="Banque des Territoires")
    partenaire = utilisateur_creer(email="p@bdt.fr", role="partenaire")
    profil_organisation_definir(utilisateur=partenaire, organisation=bdt)
    sienne = MAQUETTE.replace(";25 000;100 000,50", ";30 000;100 000,50")
    plan = maquette_apercu(sienne.encode(), "bdt.csv", convention=cadre, auteur=partenaire)
    assert not plan.refusees and plan.comptes()["modification"] == 1
    autre = MAQUETTE.replace(";75 000;", ";80 000;")
    plan = maquette_apercu(autre.encode(), "dsil.csv", convention=cadre, auteur=partenaire)
    assert [ligne.numero for ligne in plan.refusees] == [5]
    assert "colonne « DSIL »" in plan.refusees[0].messages[-1]


# Mauvaises entrées -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remplacer", "par", "attendu"),
    [
        (
            "1.2;Halle",
            "1.1;Halle",
            "maquette.csv, ligne 5, colonne « N° action » : l'action 1.1 figure déjà ligne 4",
        ),
        (
            ";75 000;",
            ";soixante;",
            "maquette.csv, ligne 5, colonne « DSIL » : « soixante » n'est pas un montant",
        ),
        (";75 000;", ";-5;", "colonne « DSIL » : « -5 » n'est pas un montant en euros positif"),
        (";75 000;", ";20 %;", "colonne « DSIL » : « 20 % » est un taux"),
        (
            "Commune de Souillac",
            "SARL Inconnue",
            "colonne « Maître d'ouvrage » : maître d'ouvrage « SARL Inconnue » inconnu",
        ),
        ("1.3;Étude", ";Étude", "maquette.csv, ligne 7, colonne « N° action » : numéro d'action vide"),
    ],
)
def test_mauvaises_lignes_refusees_avec_le_fichier_la_ligne_et_la_colonne(cadre, remplacer, par, attendu):
    avant = empreinte_plan()
    with pytest.raises(ImportRefuse) as refus:
        maquette_importer(
            MAQUETTE.replace(remplacer, par).encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT
        )
    messages = " ".join(m for ligne in refus.value.plan.refusees for m in ligne.messages)
    assert attendu in messages
    assert empreinte_plan() == avant


def test_axe_manquant_pour_une_nouvelle_action(cadre):
    sans_axe = MAQUETTE.replace("Axe 3 – Formes urbaines, espace public et patrimoine;;;;;;;;;\n", "")
    with pytest.raises(ImportRefuse) as refus:
        maquette_importer(sans_axe.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    assert (
        "pas de colonne axe : l'action 1.1 est nouvelle, ajoutez une colonne « Axe »"
        in refus.value.plan.refusees[0].messages[0]
    )
    plan = maquette_importer(
        sans_axe.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT, axe_par_defaut=_axe()
    )
    assert not plan.refusees and set(FicheAction.objects.values_list("axe__code", flat=True)) == {"habitat"}


def test_fichier_sans_colonne_de_financeur(cadre):
    with pytest.raises(FichierIllisible, match=r"vide\.csv, ligne 1 : pas de colonne de financeur reconnue"):
        maquette_apercu("N° action;Intitulé;Observations\n1;A;x\n".encode(), "vide.csv", convention=cadre)


def test_convention_qui_n_est_pas_un_cadre(cadre):
    adhesion = Convention.objects.filter(epci_id=CAUVALDOR, type=Convention.Type.ADHESION).first()
    with pytest.raises(ImportRefuse, match="n'est pas une convention-cadre"):
        maquette_apercu(MAQUETTE.encode(), "maquette.csv", convention=adhesion)


def test_fiche_existante_retrouvee_par_son_numero(cadre):
    gramat = Commune.objects.get(code="46128")
    fiche = actions_services.fiche_create(
        convention=cadre,
        numero="1.1",
        intitule="Requalification de la place du foirail",
        axe=_axe(),
        maitre_ouvrage=actions_services.organisation_obtenir(commune=gramat, trace=TRACE_IMPORT),
        communes=[gramat],
        cout_ht="100000",
        trace=TRACE_IMPORT,
    )
    plan = maquette_apercu(MAQUETTE.encode(), "maquette.csv", convention=cadre)
    ligne = next(ligne for ligne in plan.lignes if ligne.numero == 4)
    assert ligne.statut == "creation"  # ses lignes de financement sont nouvelles, la fiche ne change pas
    assert not any("fiche 1.1 créée" in m for m in ligne.messages)
    assert [f.pk for f, _, _ in plan.fiches_a_modifier] == []
    assert fiche.axe.code == "habitat"  # l'intertitre ne change pas l'axe d'une fiche existante


# Ligne de commande -----------------------------------------------------------------------------------------------


def test_pvd_import_maquette(cadre, tmp_path, capsys):
    chemin = tmp_path / "maquette.csv"
    chemin.write_text(MAQUETTE, encoding="utf-8")
    call_command("import", str(chemin), "--source", "maquette", "--convention", str(cadre.pk), "--dry-run")
    assert "Rien n'a été écrit" in capsys.readouterr().out
    assert not FicheAction.objects.exists()
    call_command("import", str(chemin), "--source", "maquette", "--convention", str(cadre.pk))
    assert "Import réalisé" in capsys.readouterr().out
    assert FicheAction.objects.count() == 3


# Le site ---------------------------------------------------------------------------------------------------------


def test_le_site_depose_montre_l_apercu_puis_importe(cadre, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chef = utilisateur_creer(email="cdp@cauvaldor.fr", role="collectivite", epcis=[CAUVALDOR])
    client.force_login(chef)
    page = client.get(f"/conventions/{cadre.pk}/plan-d-action/")
    assert f"/conventions/{cadre.pk}/plan-d-action/importer/" in page.content.decode()
    formulaire = client.get(f"/conventions/{cadre.pk}/plan-d-action/importer/")
    assert "Colonnes attendues" in formulaire.content.decode()
    reponse = client.post(
        f"/conventions/{cadre.pk}/plan-d-action/importer/",
        {"fichier": SimpleUploadedFile("maquette.csv", MAQUETTE.encode())},
    )
    assert reponse.status_code == 302
    apercu = client.get(reponse["Location"])
    html = apercu.content.decode()
    assert "Colonnes lues" in html and "« État DETR » (financeur : Dotation d&#x27;équipement" in html
    assert "fiche 1.2 créée" in html and not FicheAction.objects.exists()
    signature = html.split('name="signature" value="')[1].split('"')[0]
    fin = client.post(reponse["Location"], {"action": "importer", "signature": signature})
    assert fin.status_code == 302 and fin["Location"] == f"/conventions/{cadre.pk}/plan-d-action/"
    assert FicheAction.objects.filter(convention=cadre).count() == 3
    assert client.get(reponse["Location"]).status_code == 404  # le fichier confirmé n'est plus gardé


def test_le_site_refuse_la_maquette_a_qui_n_ecrit_pas_le_plan(cadre, client):
    client.force_login(utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"]))
    assert client.get(f"/conventions/{cadre.pk}/plan-d-action/importer/").status_code == 403


# Propriété : l'aperçu est l'écriture -----------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ENTETE_HASARD = "N° action;Intitulé;Maître d'ouvrage;Coût HT;État DETR;Région;Autofinancement"
LIGNES_HASARD = st.lists(
    st.tuples(
        st.sampled_from(["1.1", "1.2", "2.1", "", "Total", "Axe 2"]),
        st.sampled_from(["Place", "Halle", ""]),
        st.sampled_from(["Gramat", "Souillac", "Cauvaldor", "Inconnue", ""]),
        *[
            st.sampled_from(["", "0", "1000", "12 500,50", "-", "x", "20 %", "-3", "250000"])
            for _ in range(4)
        ],
    ),
    max_size=6,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(lignes=LIGNES_HASARD, axe_en_tete=st.booleans(), valides_seulement=st.booleans())
def test_propriete_l_apercu_est_ce_que_fait_l_ecriture(cadre, lignes, axe_en_tete, valides_seulement):
    """Sur des maquettes tirées au hasard (et un plan d'action qui grossit d'un exemple à l'autre) : l'aperçu dit,
    ligne par ligne, ce que fait l'écriture ; ce qu'il prévoit de créer est ce qui est créé ; un import refusé ne
    touche à rien ; réimporter ne change rien."""
    texte = "\n".join(
        [
            ENTETE_HASARD,
            *(["Axe 1 – Habitat;;;;;;"] if axe_en_tete else []),
            *(";".join(ligne) for ligne in lignes),
        ]
    )
    avant = empreinte_plan()
    fiches_avant, lignes_avant = FicheAction.objects.count(), LigneFinancement.objects.count()
    apercu = maquette_apercu(texte.encode(), "hasard.csv", convention=cadre)
    assert empreinte_plan() == avant
    try:
        plan = maquette_importer(
            texte.encode(),
            "hasard.csv",
            convention=cadre,
            trace=TRACE_IMPORT,
            signature_apercu=apercu.signature(),
            valides_seulement=valides_seulement,
        )
    except ImportRefuse as refus:
        assert apercu.refusees and not valides_seulement
        assert [(ligne.numero, ligne.statut) for ligne in refus.plan.lignes] == [
            (ligne.numero, ligne.statut) for ligne in apercu.lignes
        ]
        assert empreinte_plan() == avant
        return
    assert [(ligne.numero, ligne.statut, ligne.messages) for ligne in plan.lignes] == [
        (ligne.numero, ligne.statut, ligne.messages) for ligne in apercu.lignes
    ]
    valides = {ligne.numero for ligne in apercu.lignes if ligne.valide}
    assert FicheAction.objects.count() - fiches_avant == sum(
        1 for d in apercu.fiches_a_creer if d["ligne"] in valides
    )
    assert LigneFinancement.objects.count() - lignes_avant == sum(
        1 for d in apercu.lignes_a_creer if d["ligne"] in valides
    )
    apres = empreinte_plan()
    encore = maquette_importer(
        texte.encode(), "hasard.csv", convention=cadre, trace=TRACE_IMPORT, valides_seulement=True
    )
    assert encore.comptes()["creation"] == encore.comptes()["modification"] == 0
    assert empreinte_plan() == apres


def test_un_refus_des_services_se_voit_dans_l_apercu_et_n_ecrit_rien(cadre):
    """La fiche 1.1 a un coût TTC de 120 000 € ; le fichier lui donne 200 000 € HT : `fiche_update` le refuse (TTC
    sous le HT). L'aperçu le montre (fichier, ligne), l'import n'écrit rien, pas même les autres lignes."""
    gramat = Commune.objects.get(code="46128")
    actions_services.fiche_create(
        convention=cadre,
        numero="1.1",
        intitule="Requalification de la place du foirail",
        axe=_axe(),
        maitre_ouvrage=actions_services.organisation_obtenir(commune=gramat, trace=TRACE_IMPORT),
        cout_ht="100000",
        cout_ttc="120000",
        trace=TRACE_IMPORT,
    )
    fichier = MAQUETTE.replace("Gramat;100 000;", "Gramat;200 000;")
    avant = empreinte_plan()
    apercu = maquette_apercu(fichier.encode(), "maquette.csv", convention=cadre)
    assert [ligne.numero for ligne in apercu.refusees] == [4]
    assert "maquette.csv, ligne 4 : Le coût TTC est inférieur au coût HT" in apercu.refusees[0].messages[-1]
    assert empreinte_plan() == avant
    with pytest.raises(ImportRefuse, match="par les règles du plan d'action"):
        maquette_importer(fichier.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT)
    assert empreinte_plan() == avant
    plan = maquette_importer(
        fichier.encode(), "maquette.csv", convention=cadre, trace=TRACE_IMPORT, valides_seulement=True
    )
    assert [ligne.numero for ligne in plan.refusees] == [4]
    assert FicheAction.objects.get(convention=cadre, numero="1.1").cout_ht == Decimal("100000.00")
    assert FicheAction.objects.filter(convention=cadre).count() == 3


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_lignes(cadre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def requetes(n: int, depart: int) -> int:
        lignes = [
            f"{depart + i}.1;Action {i};{'Gramat' if i % 2 else 'Souillac'};{1000 * (i + 1)};100;200;;300"
            for i in range(n)
        ]
        contenu = "\n".join([ENTETE_HASARD, "Axe 1 – Habitat;;;;;;", *lignes]).encode()
        with CaptureQueriesContext(connection) as capture:
            maquette_importer(contenu, "n.csv", convention=cadre, trace=TRACE_IMPORT)
        return len(capture.captured_queries)

    requetes(2, 100)  # les organisations de Gramat et Souillac, créées une fois
    assert requetes(3, 200) == requetes(12, 300)


def test_numeros_et_axes_ecrits_comme_on_les_ecrit(db):
    from pvd.imports.maquette import _axe_nomme, _numero

    assert [_numero(x) for x in ["Fiche 1.2", "n°3", "Action 4", "1.1", "Nord-1", "FA-1"]] == [
        "1.2",
        "3",
        "4",
        "1.1",
        "Nord-1",
        "FA-1",
    ]
    axes = list(Axe.objects.filter(programme=None))
    assert _axe_nomme("Axe 2", axes).code == "developpement-economique-commercial"
    assert _axe_nomme("HABITAT", axes).code == "habitat"
    assert (
        _axe_nomme("Axe 4 – Formes urbaines, espace public et patrimoine", axes).code
        == "formes-urbaines-patrimoine"
    )
    assert _axe_nomme("Axe 9", axes) is None and _axe_nomme("1.2", axes) is None


def test_intertitres_sur_deux_colonnes_et_totaux_sans_titre(cadre):
    texte = "\n".join(
        [
            ENTETE_HASARD,
            "Axe 1;Habitat;;;;;",
            "1.1;A;Gramat;100;10;;90",
            "1.2;B;Gramat;100;20;;80",
            ";;;;30;;170",
            "Axe 2;Développement économique et commercial;;;;;",
            "2.1;C;Souillac;50;;5;45",
            ";;;;;5;45",
            ";;;;30;5;215",
        ]
    )
    plan = maquette_importer(texte.encode(), "axes.csv", convention=cadre, trace=TRACE_IMPORT)
    statuts = ["ignoree", "creation", "creation", "ignoree", "ignoree", "creation", "ignoree", "ignoree"]
    assert [ligne.statut for ligne in plan.lignes] == statuts
    axes = dict(FicheAction.objects.filter(convention=cadre).values_list("numero", "axe__code"))
    assert axes == {"1.1": "habitat", "1.2": "habitat", "2.1": "developpement-economique-commercial"}
