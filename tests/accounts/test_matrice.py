"""La matrice des droits : chaque rôle × un objet dans et hors de son périmètre × chaque URL d'écriture.

Les URL viennent de la configuration : une URL nouvelle qui n'est ni classée en lecture seule ni couverte par la
matrice fait échouer `test_toute_url_est_classee`. Attendu : aucune réussite inattendue, et la base inchangée après
chaque refus.
"""

import json
import uuid
from datetime import date

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from pvd.accounts.services import profil_organisation_definir, utilisateur_creer
from pvd.actions import services as actions
from pvd.actions.models import (
    Axe,
    ChangementEtat,
    CoutAnnuel,
    Dispositif,
    EtapeAction,
    FicheAction,
    Indicateur,
    LigneFinancement,
    Organisation,
    ValeurIndicateur,
)
from pvd.imports.models import FichierImport
from pvd.programmes import services
from pvd.programmes.models import (
    Convention,
    ConventionCommune,
    Evenement,
    Laureat,
    PosteChefDeProjet,
    Programme,
    Signataire,
)
from pvd.publication.models import ParametresDepartement
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)

# Pages et points d'API qui ne font que lire (GET) ; tout le reste doit figurer dans ECRITURES ci-dessous.
LECTURE_SEULE = {
    "accueil",
    "favicon",
    "sante",
    "recherche",
    "suggestions",
    "departements",
    "departement",
    "epci",
    "commune",
    "tableau-de-bord",
    "tableau-de-bord-region",
    "programme-departement",
    "convention",
    "convention-document",
    "public-programme",
    "public-departement",
    "telechargement",
    "journal",
    "accessibilite",
    "mentions-legales",
    "donnees-personnelles",
    "plan-du-site",
    "connexion",
    "deconnexion",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "oidc_logout",
    "plan-d-action",
    "fiche-action",
    "public-plan-d-action",
    "plans",
    "plans-region",
    "plans-departement",
    "public-plans",
    "plan-d-action-annexe",
    "public-plan-d-action-annexe",
    # Travaux longs : leur page (celle de l'auteur ou de l'équipe nationale) ; les demandes d'un fichier (export
    # national, lot d'annexes) mettent un travail en file sans rien écrire au registre (tests/travaux).
    "travail",
    "travail-etat",
    "travail-fichier",
    "exports-nationaux",
    "plans-annexes",
}
ECRITURES_SITE = {
    "convention-nouvelle",
    "convention-modifier",
    "convention-ajout-commune",
    "convention-signature",
    "convention-publication",
    "departement-publication",
    "poste-nouveau",
    "communique",
    "imports",
    "import-apercu",
    "import-communique",
    "identifiants-contestes",
    "fiche-action-nouvelle",
    "fiche-action-modifier",
    "fiche-action-etat",
    "ligne-financement-nouvelle",
    "ligne-financement-modifier",
    "plan-d-action-import",
    "etape-nouvelle",
    "etape-marquer",
    "indicateur-nouveau",
    "valeur-indicateur-nouvelle",
    "cout-annuel",
}
# L'API se classe par opération (méthode, chemin), lue dans sa description OpenAPI.
ECRITURES_API = {
    ("post", "/api/v1/conventions"): "api:convention_creer",
    ("patch", "/api/v1/conventions/{pk}"): "api:convention_modifier",
    ("post", "/api/v1/conventions/{pk}/signature"): "api:convention_signer",
    ("post", "/api/v1/fiches-actions"): "api:fiche_creer",
    ("patch", "/api/v1/fiches-actions/{pk}"): "api:fiche_modifier",
    ("post", "/api/v1/lignes-financement"): "api:ligne_creer",
    ("patch", "/api/v1/lignes-financement/{pk}"): "api:ligne_modifier",
}
# Les mêmes écritures sur un autre objet : la ligne de la Banque des Territoires (un dispositif que la préfecture ne
# décide pas), que son partenaire met à jour.
ECRITURES_EN_PLUS = {
    "ligne-financement-modifier:bdt",
    "api:ligne_modifier:bdt",
    "api:ligne_modifier:montant",
    "ligne-financement-nouvelle:bdt",  # une ligne nouvelle que finance la Banque des Territoires
    "api:ligne_creer:bdt",
}


def test_toute_url_est_classee(noms_des_pages):
    non_classees = noms_des_pages - LECTURE_SEULE - ECRITURES_SITE
    assert non_classees == set(), (
        f"URL à classer (lecture seule ou matrice des droits) : {sorted(non_classees)}"
    )
    from pvd.api.api import api

    operations = {
        (methode, chemin)
        for chemin, methodes in api.get_openapi_schema()["paths"].items()
        for methode in methodes
        if methode in ("post", "put", "patch", "delete")
    }
    assert operations == set(ECRITURES_API), "Écriture d'API hors de la matrice des droits."


def empreinte_de_la_base() -> tuple:
    return (
        Laureat.objects.count(),
        sorted(Laureat.objects.values_list("identifiant_national", flat=True)),
        Convention.objects.count(),
        ConventionCommune.objects.count(),
        Signataire.objects.count(),
        PosteChefDeProjet.objects.count(),
        Evenement.objects.count(),
        ParametresDepartement.objects.count(),
        Laureat.objects.filter(publie=True).count(),
        Convention.objects.filter(publie=True).count(),
        sorted(Convention.objects.values_list("id", "version", "statut", "lieu_signature")),
        sorted(FicheAction.objects.values_list("id", "version", "numero", "intitule", "etat")),
        ChangementEtat.objects.count(),
        sorted(LigneFinancement.objects.values_list("id", "version", "montant", "statut")),
        Organisation.objects.count(),
        sorted(EtapeAction.objects.values_list("id", "faite", "date_faite")),
        Indicateur.objects.count(),
        ValeurIndicateur.objects.count(),
        sorted(CoutAnnuel.objects.values_list("id", "annee", "prevu", "realise")),
    )


@pytest.fixture
def monde(db):
    """Une convention du Lot et une de l'Aveyron, en élaboration, chacune avec ses deux lauréates."""
    pvd = Programme.objects.get(slug="pvd")

    def convention(siren, codes):
        laureats = [
            services.laureat_register(
                programme=pvd,
                commune=Commune.objects.get(code=c),
                date_selection=date(2021, 1, 4),
                trace=TRACE,
            )
            for c in codes
        ]
        objet = services.convention_create(
            programme=pvd,
            type="adhesion",
            epci=Epci.objects.get(siren=siren),
            communes=[(laureat.commune, "laureate") for laureat in laureats],
            trace=TRACE,
        )
        cadre = services.convention_create(
            programme=pvd,
            type="cadre_ort",
            epci=objet.epci,
            communes=[(laureat.commune, "laureate") for laureat in laureats],
            trace=TRACE,
        )
        fiche = actions.fiche_create(
            convention=cadre,
            numero="1.1",
            intitule="Place",
            axe=Axe.objects.get(code="habitat"),
            maitre_ouvrage=laureats[0].commune,
            communes=[laureats[0].commune],
            trace=TRACE,
        )
        actions.ligne_create(
            fiche=fiche,
            financeur=Organisation.objects.get(nom="État"),
            dispositif=Dispositif.objects.get(code="detr"),
            montant="1000",
            statut="sollicitee",
            date_demande=date(2024, 1, 5),
            trace=TRACE,
        )
        actions.ligne_create(
            fiche=fiche,
            financeur=Organisation.objects.get(nom="Banque des Territoires"),
            dispositif=Dispositif.objects.get(code="bdt-ingenierie"),
            montant="300",
            statut="sollicitee",
            date_demande=date(2024, 1, 5),
            trace=TRACE,
        )
        actions.etape_ajouter(fiche=fiche, intitule="Étude", trace=TRACE)
        actions.indicateur_ajouter(fiche=fiche, nom="Surface", unite="m²", trace=TRACE)
        objet.fiche_matrice = fiche
        return objet, laureats

    lot, laureats_lot = convention("200066371", ["46128", "46309"])  # Cauvaldor : Gramat, Souillac
    aveyron_epci = Epci.objects.filter(departements="12").exclude(departements="46").order_by("siren").first()
    codes_12 = list(
        Commune.objects.filter(epci=aveyron_epci, population__lt=20000)
        .order_by("code")
        .values_list("code", flat=True)[:2]
    )
    aveyron, laureats_12 = convention(aveyron_epci.siren, codes_12)
    comptes = {
        "national": utilisateur_creer(email="anct@test.gouv.fr", role="national"),
        "prefecture46": utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"]),
        "prefecture12": utilisateur_creer(
            email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"]
        ),
        "collectivite": utilisateur_creer(
            email="cdp@cauvaldor.test", role="collectivite", epcis=["200066371"]
        ),
        "partenaire": utilisateur_creer(email="partenaire@test.fr", role="partenaire"),
        "anonyme": None,
    }
    # Le partenaire : la Banque des Territoires, qui finance une ligne de chaque fiche (dans le Lot et l'Aveyron).
    profil_organisation_definir(
        utilisateur=comptes["partenaire"], organisation=Organisation.objects.get(nom="Banque des Territoires")
    )
    return {"46": (lot, laureats_lot), "12": (aveyron, laureats_12), "comptes": comptes}


def requete(client, nom, convention, laureats):
    """L'écriture `nom` sur cet objet, avec des données valides : seul le droit peut la refuser."""
    dep = convention.departement_suivi_id
    pk = convention.pk
    if nom == "convention-nouvelle":
        return client.post(
            f"/programmes/pvd/departements/{dep}/conventions/nouvelle/",
            {"type": "cadre_ort", "epci": convention.epci_id, "communes": [laureats[0].pk]},
        )
    if nom == "convention-modifier":
        return client.post(
            f"/conventions/{pk}/modifier/", {"version": convention.version, "lieu_signature": "Ici"}
        )
    if nom == "convention-ajout-commune":
        autre = (
            Commune.objects.filter(epci=convention.epci)
            .exclude(code__in=[laureat.commune_id for laureat in laureats])
            .order_by("code")
            .first()
        )
        return client.post(
            f"/conventions/{pk}/communes/ajouter/",
            {"version": convention.version, "commune": autre.code, "role": "autre"},
        )
    if nom == "convention-signature":
        return client.post(
            f"/conventions/{pk}/signature/",
            {"version": convention.version, "date_signature": "2022-05-02", "etat_qualite": "préfet"},
        )
    if nom == "convention-publication":
        return client.post(f"/conventions/{pk}/publication/", {"publie": "1"})
    if nom == "departement-publication":
        return client.post(f"/programmes/pvd/departements/{dep}/publication/")
    if nom == "poste-nouveau":
        return client.post(
            f"/programmes/pvd/departements/{dep}/chefs-de-projet/nouveau/",
            {
                "employeur": f"epci:{convention.epci_id}",
                "laureats": [laureat.pk for laureat in laureats],
                "date_prise_poste": "2022-02-01",
            },
        )
    if nom == "communique":
        return client.post(
            f"/programmes/pvd/departements/{dep}/communique/?date=2022-05-02",
            {
                "entete": "PRÉFET",
                "programme": "P",
                "lieu_date": "Ici",
                "titre": "T",
                "presentation": "P",
                "contact": "Contact",
                "garder_contact": "on",
                "format": "",
            },
        )
    if nom == "imports":
        fichier = SimpleUploadedFile("l.csv", f"insee_com,lib_com\n{laureats[0].commune_id},x\n".encode())
        return client.post("/imports/", {"fichier": fichier, "source": "anct-pvd", "departement": dep})
    if nom == "import-apercu":
        utilisateur = client.session.get("_auth_user_id")
        pk = uuid.uuid4()
        if utilisateur:
            pk = FichierImport.objects.create(
                nom="l.csv",
                source="anct-pvd",
                departement_id=dep,
                auteur_id=utilisateur,
                contenu=f"insee_com,lib_com,id_pvd\n{laureats[0].commune_id},x,id-matrice\n".encode(),
            ).pk
        return client.post(f"/imports/{pk}/", {"action": "importer", "valides_seulement": "1"})
    if nom == "identifiants-contestes":
        return client.post(
            "/programmes/pvd/identifiants-contestes/",
            {"laureat": laureats[0].pk, "action": "attribuer", "identifiant": "pvd-matrice-1"},
        )
    if nom == "import-communique":
        commune = laureats[0].commune
        return client.post(
            "/imports/communique/",
            {
                "texte": f"La convention d'adhésion a été signée le 2 mai 2022 par les communes de {commune.nom}.",
                "departement": dep,
                "action": "confirmer",
                "garder": [commune.code],
            },
        )
    if nom == "api:convention_creer":
        return client.post(
            "/api/v1/conventions",
            {
                "type": "cadre_ort",
                "epci": convention.epci_id,
                "communes": [{"insee": laureats[0].commune_id}],
            },
            content_type="application/json",
        )
    if nom == "api:convention_modifier":
        return client.patch(
            f"/api/v1/conventions/{pk}",
            {"lieu_signature": "Ici"},
            content_type="application/json",
            headers={"If-Match": f'"{convention.version}"'},
        )
    if nom == "api:convention_signer":
        return client.post(
            f"/api/v1/conventions/{pk}/signature",
            {
                "date_signature": "2022-05-02",
                "signataires": json.dumps([{"partie": "etat", "qualite": "préfet"}]),
            },
            headers={"If-Match": f'"{convention.version}"'},
        )
    fiche = getattr(convention, "fiche_matrice", None) or FicheAction.objects.get(
        convention__epci_id=convention.epci_id, numero="1.1"
    )
    fiche.refresh_from_db()
    if nom == "fiche-action-nouvelle":
        return client.post(
            f"/conventions/{fiche.convention_id}/plan-d-action/nouvelle-fiche/",
            {
                "numero": "9.9",
                "intitule": "Nouvelle",
                "axe": fiche.axe_id,
                "maitre_ouvrage": f"epci:{convention.epci_id}",
                "precision_debut": "jour",
                "precision_fin": "jour",
            },
        )
    if nom == "plan-d-action-import":  # déposer une maquette financière (l'aperçu suit)
        maquette = SimpleUploadedFile("maquette.csv", "N° action;Intitulé;DSIL\n1.1;Place;1000\n".encode())
        return client.post(
            f"/conventions/{fiche.convention_id}/plan-d-action/importer/", {"fichier": maquette}
        )
    if nom == "fiche-action-modifier":
        return client.post(
            f"/fiches-actions/{fiche.pk}/modifier/",
            {
                "version": fiche.version,
                "numero": "1.1",
                "intitule": "Place modifiée",
                "axe": fiche.axe_id,
                "maitre_ouvrage": f"commune:{fiche.maitre_ouvrage.commune_id}",
                "precision_debut": "jour",
                "precision_fin": "jour",
            },
        )
    if nom == "fiche-action-etat":
        return client.post(
            f"/fiches-actions/{fiche.pk}/etat/", {"version": fiche.version, "etat": "programmee"}
        )
    if nom.startswith("ligne-financement-nouvelle"):
        financeur = organisation_bdt() if nom.endswith(":bdt") else fiche.maitre_ouvrage_id
        return client.post(
            f"/fiches-actions/{fiche.pk}/financements/nouveau/",
            {"financeur": f"organisation:{financeur}", "montant": "500", "statut": "envisagee"},
        )
    if nom == "ligne-financement-modifier":  # la décision de l'État sur la DETR sollicitée
        ligne = LigneFinancement.objects.get(fiche=fiche, dispositif__code="detr")
        return client.post(
            f"/financements/{ligne.pk}/modifier/",
            {
                "version": ligne.version,
                "financeur": f"organisation:{ligne.financeur_id}",
                "dispositif": ligne.dispositif_id,
                "montant": "1000",
                "statut": "accordee",
                "date_demande": "2024-01-05",
                "date_decision": "2024-03-01",
                "reference_decision": "DETR-1",
            },
        )
    if nom == "api:fiche_creer":
        return client.post(
            "/api/v1/fiches-actions",
            {
                "convention": fiche.convention_id,
                "numero": "9.9",
                "intitule": "Nouvelle",
                "axe": "habitat",
                "maitre_ouvrage": {"epci": convention.epci_id},
            },
            content_type="application/json",
        )
    if nom == "api:fiche_modifier":
        return client.patch(
            f"/api/v1/fiches-actions/{fiche.pk}",
            {"intitule": "Place modifiée"},
            content_type="application/json",
            headers={"If-Match": f'"{fiche.version}"'},
        )
    detr = LigneFinancement.objects.get(fiche=fiche, dispositif__code="detr")
    bdt = LigneFinancement.objects.get(fiche=fiche, dispositif__code="bdt-ingenierie")
    accord = {"statut": "accordee", "date_decision": "2024-03-01", "reference_decision": "D-1"}
    if nom == "ligne-financement-modifier:bdt":
        return client.post(
            f"/financements/{bdt.pk}/modifier/",
            {
                "version": bdt.version,
                "financeur": f"organisation:{bdt.financeur_id}",
                "dispositif": bdt.dispositif_id,
                "montant": "300",
                "date_demande": "2024-01-05",
            }
            | accord,
        )
    if nom.startswith("api:ligne_creer"):
        financeur = organisation_bdt() if nom.endswith(":bdt") else fiche.maitre_ouvrage_id
        return client.post(
            "/api/v1/lignes-financement",
            {"fiche": fiche.pk, "financeur": {"organisation": financeur}, "montant": "500"},
            content_type="application/json",
        )
    if nom.startswith("api:ligne_modifier"):
        ligne, corps = {
            "api:ligne_modifier": (detr, accord),
            "api:ligne_modifier:bdt": (bdt, accord),
            "api:ligne_modifier:montant": (detr, {"montant": "1200"}),
        }[nom]
        return client.patch(
            f"/api/v1/lignes-financement/{ligne.pk}",
            corps,
            content_type="application/json",
            headers={"If-Match": f'"{ligne.version}"'},
        )
    etape, indicateur = EtapeAction.objects.get(fiche=fiche), Indicateur.objects.get(fiche=fiche)
    if nom == "etape-nouvelle":
        return client.post(f"/fiches-actions/{fiche.pk}/etapes/nouvelle/", {"intitule": "Travaux"})
    if nom == "etape-marquer":
        return client.post(f"/etapes/{etape.pk}/marquer/", {"faite": "1", "jour": "2024-02-01"})
    if nom == "indicateur-nouveau":
        return client.post(f"/fiches-actions/{fiche.pk}/indicateurs/nouveau/", {"nom": "Logements"})
    if nom == "valeur-indicateur-nouvelle":
        return client.post(
            f"/indicateurs/{indicateur.pk}/valeurs/nouvelle/",
            {"type": "cible", "jour": "2026-12-31", "valeur": "1200"},
        )
    if nom == "cout-annuel":
        return client.post(
            f"/fiches-actions/{fiche.pk}/couts/",
            {"annee": "2025", "nature": "investissement", "prevu": "1000"},
        )
    raise AssertionError(nom)


def organisation_bdt() -> int:
    """L'organisation de la Banque des Territoires, le partenaire du monde de test."""
    return Organisation.objects.get(nom="Banque des Territoires").pk


def autorise(role: str, nom: str, departement: str) -> bool:
    if nom == "identifiants-contestes":  # trancher un identifiant : l'équipe nationale seule
        return role == "national"
    if role == "national":
        return True
    plan = {
        "plan-d-action-import",
        "fiche-action-nouvelle",
        "fiche-action-modifier",
        "fiche-action-etat",
        "ligne-financement-nouvelle",
        "api:fiche_creer",
        "api:fiche_modifier",
        "api:ligne_creer",
        "api:ligne_modifier:montant",  # le montant demandé : le chef de projet, pas la préfecture
        "etape-nouvelle",
        "etape-marquer",
        "indicateur-nouveau",
        "valeur-indicateur-nouvelle",
        "cout-annuel",
    }
    if nom in (
        "ligne-financement-modifier:bdt",
        "api:ligne_modifier:bdt",
        "ligne-financement-nouvelle:bdt",
        "api:ligne_creer:bdt",
    ):
        # Un dispositif que la préfecture ne décide pas, une ligne nouvelle de la Banque des Territoires : le
        # partenaire qui finance, ou le chef de projet.
        return role == "partenaire" or (role == "collectivite" and departement == "46")
    if nom in plan:  # le plan d'action : le chef de projet de son territoire (Cauvaldor, dans le Lot)
        return role == "collectivite" and departement == "46"
    if nom in (
        "ligne-financement-modifier",
        "api:ligne_modifier",
    ):  # une décision de DETR : la préfecture de suivi
        return role == f"prefecture{departement}"
    if role == f"prefecture{departement}":
        return True
    if role == "collectivite":
        return (
            nom == "poste-nouveau" and departement == "46"
        )  # ses lauréats : Gramat et Souillac, de Cauvaldor
    return False


def reussite(reponse) -> bool:
    if reponse.status_code in (200, 201):
        if reponse.get("Content-Type", "").startswith("text/html"):
            # Un formulaire renvoyé avec ses erreurs (champ, choix ou alerte) n'est pas une réussite.
            html = reponse.content.decode()
            return not any(marque in html for marque in ("-group--error", "fr-alert--error", "fr-error-text"))
        return True
    return reponse.status_code == 302 and not reponse["Location"].startswith("/connexion/")


@pytest.mark.parametrize("departement", ["46", "12"])
@pytest.mark.parametrize(
    "role", ["national", "prefecture46", "prefecture12", "collectivite", "partenaire", "anonyme"]
)
def test_matrice(client, monde, role, departement):
    compte = monde["comptes"][role]
    if compte is not None:
        client.force_login(compte)
    inattendues, base_modifiee = [], []
    for nom in sorted(ECRITURES_SITE | set(ECRITURES_API.values()) | ECRITURES_EN_PLUS):
        convention, laureats = monde[departement]
        convention.refresh_from_db()
        avant = empreinte_de_la_base()
        point_de_sauvegarde = transaction.savepoint()
        reponse = requete(client, nom, convention, laureats)
        ok = reussite(reponse)
        attendu = autorise(role, nom, departement)
        if ok != attendu:
            inattendues.append((nom, reponse.status_code, "réussite" if ok else "refus"))
        if not ok and empreinte_de_la_base() != avant:
            base_modifiee.append(nom)
        transaction.savepoint_rollback(point_de_sauvegarde)
    assert inattendues == [], inattendues
    assert base_modifiee == [], base_modifiee


@pytest.mark.parametrize("role", ["prefecture46", "collectivite", "partenaire", "anonyme"])
def test_administration_reservee_a_l_equipe_nationale(client, monde, role):
    compte = monde["comptes"][role]
    if compte is not None:
        client.force_login(compte)
    for modele in admin.site._registry:
        meta = modele._meta
        for url in (
            f"/admin/{meta.app_label}/{meta.model_name}/",
            f"/admin/{meta.app_label}/{meta.model_name}/add/",
        ):
            reponse = client.post(url, {}) if url.endswith("add/") else client.get(url)
            assert reponse.status_code in (302, 403), (url, reponse.status_code)
            if reponse.status_code == 302:
                assert "/admin/login/" in reponse["Location"]


def test_administration_ouverte_a_l_equipe_nationale(client, monde):
    client.force_login(monde["comptes"]["national"])
    for modele in admin.site._registry:
        meta = modele._meta
        assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/").status_code == 200, meta.label
