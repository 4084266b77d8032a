"""Les pages du plan d'action : plan d'une convention-cadre, fiche, formulaires sous verrou de version, plan public."""

from datetime import date

import pytest

from pvd.accounts.services import profil_organisation_definir, utilisateur_creer
from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, FicheAction, LigneFinancement, Organisation
from pvd.programmes.models import Evenement
from pvd.programmes.services import publication_definir
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
CAUVALDOR = "200066371"


@pytest.fixture
def chef_de_projet(db):
    return utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=[CAUVALDOR])


@pytest.fixture
def fiche(cadre):
    gramat = Commune.objects.get(code="46128")
    fiche = services.fiche_create(
        convention=cadre,
        numero="2.1",
        intitule="Halle de Gramat",
        axe=Axe.objects.get(code="developpement-economique-commercial"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="200000",
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="État"),
        dispositif=Dispositif.objects.get(code="detr"),
        montant="80000",
        statut="sollicitee",
        date_demande=date(2024, 1, 10),
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="Banque des Territoires"),
        dispositif=Dispositif.objects.get(code="bdt-ingenierie"),
        montant="30000",
        trace=TRACE,
    )
    services.ligne_create(fiche=fiche, financeur=gramat, montant="50000", trace=TRACE)
    return fiche


def test_le_chef_de_projet_cree_une_fiche_et_son_financement(client, cadre, chef_de_projet):
    client.force_login(chef_de_projet)
    page = client.get(f"/conventions/{cadre.pk}/plan-d-action/")
    assert page.status_code == 200 and "Ajouter une fiche action" in page.content.decode()
    reponse = client.post(
        f"/conventions/{cadre.pk}/plan-d-action/nouvelle-fiche/",
        {
            "numero": "1.1",
            "intitule": "Rénovation de l'îlot du foirail",
            "axe": Axe.objects.get(code="habitat").pk,
            "maitre_ouvrage": f"epci:{CAUVALDOR}",
            "communes": ["46128"],
            "precision_debut": "jour",
            "date_fin": "2026-05-01",
            "precision_fin": "trimestre",
            "cout_ht": "150 000",
            "cout_ttc": "180000",
        },
    )
    fiche = FicheAction.objects.get(convention=cadre, numero="1.1")
    assert reponse.status_code == 302 and reponse["Location"] == f"/fiches-actions/{fiche.pk}/"
    assert fiche.maitre_ouvrage.epci_id == CAUVALDOR and str(fiche.cout_ht) == "150000.00"
    assert fiche.date_fin == date(2026, 4, 1)
    reponse = client.post(
        f"/fiches-actions/{fiche.pk}/financements/nouveau/",
        {
            "financeur": "autre",
            "financeur_nom": "Région Occitanie",
            "financeur_nature": "region",
            "montant": "45 000",
            "statut": "envisagee",
        },
    )
    assert reponse.status_code == 302
    ligne = LigneFinancement.objects.get(fiche=fiche)
    assert ligne.financeur.nom == "Région Occitanie" and str(ligne.montant) == "45000.00"
    page = client.get(f"/fiches-actions/{fiche.pk}/").content.decode()
    assert "Région Occitanie" in page and "45\u202f000 €" in page
    # Le maître d'ouvrage n'apporte rien : la règle des 20 % est dite, rien n'est changé.
    assert "L1111-10" in page


def test_decision_d_etat_reservee_a_la_prefecture(client, fiche, chef_de_projet, redacteur):
    ligne = LigneFinancement.objects.get(fiche=fiche, dispositif__code="detr")
    donnees = {
        "version": ligne.version,
        "financeur": f"organisation:{ligne.financeur_id}",
        "dispositif": ligne.dispositif_id,
        "montant": "80000",
        "statut": "accordee",
        "date_demande": "2024-01-10",
        "date_decision": "2024-04-02",
        "reference_decision": "Arrêté DETR 2024-17",
    }
    client.force_login(chef_de_projet)
    assert client.post(f"/financements/{ligne.pk}/modifier/", donnees).status_code == 403
    client.force_login(redacteur)
    reponse = client.post(f"/financements/{ligne.pk}/modifier/", donnees)
    assert reponse.status_code == 302
    ligne.refresh_from_db()
    assert ligne.statut == "accordee" and ligne.reference_decision == "Arrêté DETR 2024-17"
    # La préfecture enregistre la décision, pas le montant.
    donnees |= {"version": ligne.version, "montant": "90000"}
    assert client.post(f"/financements/{ligne.pk}/modifier/", donnees).status_code == 403


def test_le_partenaire_ne_modifie_que_ses_lignes(client, fiche):
    partenaire = utilisateur_creer(email="bdt@partenaire.test", role="partenaire")
    profil_organisation_definir(
        utilisateur=partenaire, organisation=Organisation.objects.get(nom="Banque des Territoires")
    )
    client.force_login(partenaire)
    sienne = LigneFinancement.objects.get(fiche=fiche, dispositif__code="bdt-ingenierie")
    autre = LigneFinancement.objects.get(fiche=fiche, dispositif__code="detr")
    reponse = client.post(
        f"/financements/{sienne.pk}/modifier/",
        {
            "version": sienne.version,
            "financeur": f"organisation:{sienne.financeur_id}",
            "dispositif": sienne.dispositif_id,
            "montant": "30000",
            "statut": "accordee",
            "date_decision": "2024-03-01",
        },
    )
    assert reponse.status_code == 302
    assert client.get(f"/financements/{autre.pk}/modifier/").status_code == 403


def test_le_partenaire_ajoute_les_lignes_que_finance_son_organisation(client, fiche):
    bdt = Organisation.objects.get(nom="Banque des Territoires")
    partenaire = utilisateur_creer(email="bdt@partenaire.test", role="partenaire")
    profil_organisation_definir(utilisateur=partenaire, organisation=bdt)
    client.force_login(partenaire)
    page = client.get(f"/fiches-actions/{fiche.pk}/").content.decode()
    assert "Ajouter une ligne de financement" in page and "Changer l'état" not in page
    formulaire = client.get(f"/fiches-actions/{fiche.pk}/financements/nouveau/").content.decode()
    assert f'value="organisation:{bdt.pk}" selected' in formulaire  # son organisation, proposée
    adresse = f"/fiches-actions/{fiche.pk}/financements/nouveau/"
    autre = {"financeur": f"organisation:{fiche.maitre_ouvrage_id}", "montant": "700", "statut": "envisagee"}
    reponse = client.post(adresse, autre)
    assert reponse.status_code == 403 and "que finance votre organisation" in reponse.content.decode()
    avant = LigneFinancement.objects.filter(fiche=fiche).count()
    reponse = client.post(
        adresse, {"financeur": f"organisation:{bdt.pk}", "montant": "7000", "statut": "sollicitee"}
    )
    assert reponse.status_code == 302
    ajoutee = LigneFinancement.objects.filter(fiche=fiche).latest("pk")
    assert LigneFinancement.objects.filter(fiche=fiche).count() == avant + 1
    assert (ajoutee.financeur, ajoutee.montant, ajoutee.statut) == (bdt, 7000, "sollicitee")


def test_conflit_de_version_garde_la_saisie(client, fiche, chef_de_projet):
    client.force_login(chef_de_projet)
    services.fiche_update(fiche=fiche, version=1, champs={"intitule": "Halle (nouveau nom)"}, trace=TRACE)
    reponse = client.post(
        f"/fiches-actions/{fiche.pk}/modifier/",
        {
            "version": 1,
            "numero": "2.1",
            "intitule": "Halle couverte",
            "axe": fiche.axe_id,
            "maitre_ouvrage": "commune:46128",
            "precision_debut": "jour",
            "precision_fin": "jour",
        },
    )
    page = reponse.content.decode()
    assert reponse.status_code == 200 and 'id="conflit"' in page and "Halle couverte" in page
    assert FicheAction.objects.get(pk=fiche.pk).intitule == "Halle (nouveau nom)"


def test_plan_en_requetes_fixes(client, fiche, chef_de_projet, django_assert_max_num_queries):
    client.force_login(chef_de_projet)
    with django_assert_max_num_queries(25):
        page = client.get(f"/conventions/{fiche.convention_id}/plan-d-action/")
    texte = page.content.decode()
    assert page.status_code == 200 and "Halle de Gramat" in texte and "Banque des Territoires" in texte


def test_le_public_voit_le_plan_publie_sans_les_lignes_envisagees(client, fiche, cadre):
    url = f"/donnees/pvd/conventions/{cadre.pk}/plan-d-action/"
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    assert client.get(url).status_code == 404
    assert client.get(f"/fiches-actions/{fiche.pk}/").status_code == 302  # connexion demandée
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    page = client.get(url)
    texte = page.content.decode()
    assert page.status_code == 200 and "Halle de Gramat" in texte
    assert "Banque des Territoires" not in texte  # sa ligne est encore envisagée
    assert "80\u202f000 €" in texte  # la DETR sollicitée, elle, se voit
