"""Les tableaux de bord des plans d'action : chaque rôle les lit dans son périmètre, le public sans les lignes
envisagées ; chaque graphique a son tableau ; les pages du registre y mènent."""

from datetime import date

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes.models import Evenement
from pvd.programmes.services import publication_definir
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
CAUVALDOR = "200066371"


@pytest.fixture
def cadre(cadre):
    gramat = Commune.objects.get(code="46128")
    fiche = services.fiche_create(
        convention=cadre,
        numero="2.1",
        intitule="Halle de Gramat",
        axe=Axe.objects.get(code="developpement-economique-commercial"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="200000",
        date_fin=date(2024, 6, 30),
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
        montant="31415",
        trace=TRACE,
    )
    return cadre


COMPTES = {
    "national": {"role": "national"},
    "prefecture46": {"role": "prefecture", "departements": ["46"]},
    "collectivite": {"role": "collectivite", "epcis": [CAUVALDOR]},
    "partenaire": {"role": "partenaire"},
}


@pytest.mark.parametrize("compte", list(COMPTES))
def test_chaque_role_lit_les_tableaux(client, cadre, compte):
    client.force_login(utilisateur_creer(email=f"{compte}@test.fr", **COMPTES[compte]))
    for adresse in (
        "/programmes/pvd/plans/",
        "/programmes/pvd/plans/regions/76/",
        "/programmes/pvd/departements/46/plans/",
    ):
        reponse = client.get(adresse)
        assert reponse.status_code == 200, adresse
        contenu = reponse.content.decode()
        # La liste « à faire » d'un département : en retard, une demande en attente.
        assert ("Halle de Gramat" in contenu) == ("departements" in adresse)
        assert "31\u202f415 €" in contenu  # envisagé : le registre interne le montre
        # Chaque graphique a son tableau : légende, en-têtes de colonne et de ligne.
        assert contenu.count("<bar-chart") == 4 and contenu.count("<caption>") >= 6
        assert 'scope="row"' in contenu and 'scope="col"' in contenu


def test_le_tableau_national_suit_la_date(client, cadre):
    client.force_login(utilisateur_creer(email="anct@test.fr", role="national"))
    reponse = client.get("/programmes/pvd/plans/?au=2020-01-01")
    assert "Aucune fiche action à cette date" in reponse.content.decode()


def test_hors_perimetre_le_departement_n_existe_pas(client, cadre):
    client.force_login(
        utilisateur_creer(email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"])
    )
    assert client.get("/programmes/pvd/departements/46/plans/").status_code == 404
    contenu = client.get("/programmes/pvd/plans/").content.decode()
    assert "Halle de Gramat" not in contenu and "Aucune fiche action" in contenu


def test_sans_compte_le_registre_interne_demande_une_connexion(client, cadre):
    assert client.get("/programmes/pvd/plans/").status_code == 302
    assert client.get("/programmes/pvd/departements/46/plans/").status_code == 302


def test_le_public_lit_les_plans_publies_sans_les_lignes_envisagees(client, cadre):
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    contenu = client.get("/donnees/pvd/plans/").content.decode()
    assert "80\u202f000 €" in contenu and "31\u202f415 €" not in contenu
    assert "Halle de Gramat" not in contenu  # pas de liste « à faire » publique
    assert "/programmes/pvd/plans/regions/" not in contenu  # ni de lien vers le registre interne
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    assert "Aucune fiche action publiée" in client.get("/donnees/pvd/plans/").content.decode()


def test_les_tableaux_du_registre_y_menent(client, cadre):
    client.force_login(utilisateur_creer(email="anct@test.fr", role="national"))
    assert "/programmes/pvd/plans/" in client.get("/programmes/pvd/").content.decode()
    assert "/programmes/pvd/plans/regions/76/" in client.get("/programmes/pvd/regions/76/").content.decode()
    contenu = client.get("/programmes/pvd/departements/46/").content.decode()
    assert "/programmes/pvd/departements/46/plans/" in contenu
    # La liste « à faire » du département : la demande qui attend une décision.
    assert "demande de 80\u202f000 € à État" in contenu and "en attente de décision" in contenu
    assert "/donnees/pvd/plans/" in client.get("/donnees/pvd/").content.decode()
