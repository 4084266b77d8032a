"""API des lignes de financement : liste filtrée (statut « au » lu dans la base), détail avec ETag, création,
modification sous If-Match ; qui écrit quoi (chef de projet, partenaire qui finance, préfecture pour la DETR) ; le
public ne voit ni les lignes envisagées ni les conventions non publiées. Et le filtre d'état des fiches à une date."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from pvd.accounts.services import profil_organisation_definir, utilisateur_creer
from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, LigneFinancement, Organisation
from pvd.programmes.models import Evenement
from pvd.programmes.services import publication_definir
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
CAUVALDOR = "200066371"
JSON = "application/json"
CREE_LE = timezone.make_aware(datetime(2024, 1, 10, 10))


@pytest.fixture
def fiche(cadre):
    gramat = Commune.objects.get(code="46128")
    return services.fiche_create(
        convention=cadre,
        numero="3.1",
        intitule="Pôle d'échanges multimodal",
        axe=Axe.objects.get(code="accessibilite-mobilites"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="500000",
        cree_le=CREE_LE,
        trace=TRACE,
    )


@pytest.fixture
def lignes(fiche):
    """DETR sollicitée le 1er février 2024, Banque des Territoires sollicitée le 1er mars 2024, autofinancement
    envisagé."""
    detr = services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="État"),
        dispositif=Dispositif.objects.get(code="detr"),
        montant="200000",
        statut="sollicitee",
        date_demande=date(2024, 2, 1),
        cree_le=CREE_LE,
        trace=TRACE,
    )
    bdt = services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="Banque des Territoires"),
        montant="50000",
        statut="sollicitee",
        date_demande=date(2024, 3, 1),
        cree_le=CREE_LE,
        trace=TRACE,
    )
    mo = services.ligne_create(
        fiche=fiche, financeur=fiche.maitre_ouvrage, montant="100000", cree_le=CREE_LE, trace=TRACE
    )
    return {"detr": detr, "bdt": bdt, "mo": mo}


def connecte(client, **profil):
    client.force_login(utilisateur_creer(**profil))
    return client


@pytest.fixture
def cdp(client, db):
    return connecte(client, email="cdp@cauvaldor.test", role="collectivite", epcis=[CAUVALDOR])


@pytest.fixture
def partenaire(client, db):
    compte = utilisateur_creer(email="bdt@partenaire.test", role="partenaire")
    profil_organisation_definir(
        utilisateur=compte, organisation=Organisation.objects.get(nom="Banque des Territoires")
    )
    client.force_login(compte)
    return client


def test_liste_filtree_par_statut_au_jour_dans_la_base(cdp, lignes, django_assert_max_num_queries):
    # session et périmètre (7), programme (3), total et page (2)
    with django_assert_max_num_queries(13):
        corps = cdp.get("/api/v1/lignes-financement?departement=46&au=2024-02-15").json()
    assert corps["total"] == 3
    assert {r["statut"] for r in corps["resultats"]} == {"sollicitee", "envisagee"}
    # Au 15 février 2024, la Banque des Territoires n'était pas encore sollicitée.
    sollicitees = cdp.get("/api/v1/lignes-financement?statut=sollicitee&au=2024-02-15").json()
    assert [r["id"] for r in sollicitees["resultats"]] == [lignes["detr"].pk]
    assert cdp.get("/api/v1/lignes-financement?statut=sollicitee").json()["total"] == 2
    assert cdp.get("/api/v1/lignes-financement?dispositif=detr&commune=46128").json()["total"] == 1
    autre = Organisation.objects.get(nom="Banque des Territoires").pk
    assert cdp.get(f"/api/v1/lignes-financement?financeur={autre}").json()["total"] == 1
    assert (
        cdp.get(f"/api/v1/lignes-financement?fiche={lignes['mo'].fiche_id}&epci={CAUVALDOR}").json()["total"]
        == 3
    )
    assert cdp.get("/api/v1/lignes-financement?commune=46309").json()["total"] == 0
    assert cdp.get("/api/v1/lignes-financement?statut=nimporte").status_code == 422


def test_le_public_ne_voit_ni_les_envisagees_ni_les_conventions_non_publiees(client, cadre, lignes):
    publication_definir(objets=[cadre], publie=False, trace=TRACE)
    assert client.get("/api/v1/lignes-financement").json()["total"] == 0
    assert client.get(f"/api/v1/lignes-financement/{lignes['detr'].pk}").status_code == 404
    publication_definir(objets=[cadre], publie=True, trace=TRACE)
    corps = client.get("/api/v1/lignes-financement").json()
    assert sorted(r["id"] for r in corps["resultats"]) == [lignes["detr"].pk, lignes["bdt"].pk]
    assert client.get("/api/v1/lignes-financement?au=2024-02-15").json()["total"] == 1
    assert client.get(f"/api/v1/lignes-financement/{lignes['mo'].pk}").status_code == 404
    assert client.get(f"/api/v1/lignes-financement/{lignes['bdt'].pk}?au=2024-02-15").status_code == 404
    assert client.get(f"/api/v1/lignes-financement/{lignes['bdt'].pk}").status_code == 200


def test_creer_puis_modifier_sous_if_match(cdp, fiche, lignes):
    reponse = cdp.post(
        "/api/v1/lignes-financement",
        {"fiche": fiche.pk, "financeur": {"insee": "46128"}, "montant": "25000", "statut": "envisagee"},
        content_type=JSON,
    )
    assert reponse.status_code == 201, reponse.content
    assert reponse["ETag"] == '"1"' and reponse.json()["financeur"]["nom"] == "Gramat"
    pk = reponse.json()["id"]
    url = f"/api/v1/lignes-financement/{pk}"
    assert cdp.get(url)["ETag"] == '"1"'
    assert cdp.patch(url, {"montant": "30000"}, content_type=JSON).status_code == 428
    ok = cdp.patch(url, {"montant": "30000"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["montant"] == "30000.00"
    perime = cdp.patch(url, {"montant": "1"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert perime.status_code == 412 and perime.json()["montant"] == "30000.00"
    refus = cdp.patch(url, {"statut": "versee"}, content_type=JSON, headers={"If-Match": '"2"'})
    assert refus.status_code == 422 and refus.json()["erreurs"][0]["champ"] == "statut"
    inconnu = cdp.post(
        "/api/v1/lignes-financement",
        {"fiche": fiche.pk, "financeur": {"insee": "46128"}, "montant": "1", "dispositif": "zzz"},
        content_type=JSON,
    )
    assert inconnu.status_code == 422 and inconnu.json()["erreurs"][0]["champ"] == "dispositif"
    assert (
        cdp.post(
            "/api/v1/lignes-financement",
            {"fiche": 0, "financeur": {"insee": "46128"}, "montant": "1"},
            content_type=JSON,
        ).status_code
        == 404
    )
    assert LigneFinancement.objects.get(pk=pk).montant == 30000


def test_la_decision_de_la_detr_est_a_la_prefecture(client, cdp, lignes):
    url = f"/api/v1/lignes-financement/{lignes['detr'].pk}"
    accord = {"statut": "accordee", "date_decision": "2024-05-02", "reference_decision": "DETR-2024-12"}
    refus = cdp.patch(url, accord, content_type=JSON, headers={"If-Match": '"1"'})
    assert refus.status_code == 403 and "préfecture" in refus.json()["detail"]
    # Le chef de projet peut encore corriger la demande.
    assert (
        cdp.patch(url, {"montant": "180000"}, content_type=JSON, headers={"If-Match": '"1"'}).status_code
        == 200
    )
    prefecture = connecte(client, email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    ok = prefecture.patch(url, accord, content_type=JSON, headers={"If-Match": '"2"'})
    assert ok.status_code == 200 and ok.json()["statut"] == "accordee"
    # La préfecture ne touche pas au montant demandé.
    assert (
        prefecture.patch(url, {"montant": "1"}, content_type=JSON, headers={"If-Match": '"3"'}).status_code
        == 403
    )
    assert (
        prefecture.patch(
            f"/api/v1/lignes-financement/{lignes['mo'].pk}",
            {"montant": "1"},
            content_type=JSON,
            headers={"If-Match": '"1"'},
        ).status_code
        == 403
    )


def test_le_partenaire_ecrit_les_seules_lignes_qu_il_finance(partenaire, lignes, fiche):
    accord = {"statut": "accordee", "date_decision": "2024-04-10", "reference_decision": "BDT-7"}
    ok = partenaire.patch(
        f"/api/v1/lignes-financement/{lignes['bdt'].pk}",
        accord,
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200 and ok.json()["statut"] == "accordee"
    for autre in ("detr", "mo"):
        assert (
            partenaire.patch(
                f"/api/v1/lignes-financement/{lignes[autre].pk}",
                accord,
                content_type=JSON,
                headers={"If-Match": '"1"'},
            ).status_code
            == 403
        )
    # Il ajoute une ligne que finance son organisation, pas celle d'un autre financeur.
    autre = partenaire.post(
        "/api/v1/lignes-financement",
        {"fiche": fiche.pk, "financeur": {"organisation": lignes["mo"].financeur_id}, "montant": "1"},
        content_type=JSON,
    )
    assert autre.status_code == 403 and "que finance votre organisation" in autre.json()["detail"]
    assert LigneFinancement.objects.count() == 3
    nouvelle = partenaire.post(
        "/api/v1/lignes-financement",
        {"fiche": fiche.pk, "financeur": {"organisation": lignes["bdt"].financeur_id}, "montant": "1"},
        content_type=JSON,
    )
    assert nouvelle.status_code == 201 and nouvelle.json()["financeur"]["nom"] == "Banque des Territoires"
    assert LigneFinancement.objects.count() == 4


def test_filtre_d_etat_des_fiches_a_une_date_par_la_base(cdp, fiche, django_assert_max_num_queries):
    fiche = services.fiche_etat_changer(
        fiche=fiche, version=fiche.version, etat="programmee", jour=date(2024, 3, 1), trace=TRACE
    )
    services.fiche_etat_changer(
        fiche=fiche, version=fiche.version, etat="engagee", jour=date(2024, 6, 1), trace=TRACE
    )

    def numeros(requete):
        return [r["numero"] for r in cdp.get("/api/v1/fiches-actions?" + requete).json()["resultats"]]

    assert numeros("etat=a_l_etude&au=2024-02-01") == ["3.1"]
    assert numeros("etat=programmee&au=2024-02-01") == []
    assert numeros("etat=programmee&au=2024-03-01") == ["3.1"]
    assert numeros("etat=engagee&au=2024-05-31") == []
    assert numeros("etat=engagee") == ["3.1"]
    # Une seule requête de plus que sans filtre : la sous-requête est dans celle de la page.
    with django_assert_max_num_queries(19):
        assert cdp.get("/api/v1/fiches-actions?etat=engagee").json()["total"] == 1


def test_changer_le_dispositif_d_une_ligne_decidee_est_une_decision(cdp, fiche):
    """Sans quoi un chef de projet ferait d'une ligne qu'il a dite accordée une DETR accordée."""
    reponse = cdp.post(
        "/api/v1/lignes-financement",
        {
            "fiche": fiche.pk,
            "financeur": {"organisation": Organisation.objects.get(nom="État").pk},
            "montant": "1000",
            "statut": "accordee",
            "date_decision": "2024-05-02",
        },
        content_type=JSON,
    )
    assert reponse.status_code == 201, reponse.content
    refus = cdp.patch(
        f"/api/v1/lignes-financement/{reponse.json()['id']}",
        {"dispositif": "detr"},
        content_type=JSON,
        headers={"If-Match": '"1"'},
    )
    assert refus.status_code == 403 and "préfecture" in refus.json()["detail"]
    assert (
        cdp.post(
            "/api/v1/lignes-financement",
            {
                "fiche": fiche.pk,
                "financeur": {"organisation": Organisation.objects.get(nom="État").pk},
                "dispositif": "detr",
                "montant": "1000",
                "statut": "accordee",
                "date_decision": "2024-05-02",
            },
            content_type=JSON,
        ).status_code
        == 403
    )
