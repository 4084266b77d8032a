"""Chaque page qui montre le registre lit par les mêmes fonctions de périmètre que l'API.

Le registre cache, dans le Lot, une lauréate non publiée (Figeac), sa convention d'adhésion signée, son journal, un
avenant pour elle seule d'une convention-cadre que l'Aveyron lit (Grand-Figeac avec Capdenac-Gare) et le plan
d'action de sa propre convention-cadre (une fiche, une ligne de financement), tous marqués du nom « Zorglub ».
Chaque page du site (la configuration des adresses, parcourue : une page nouvelle non classée ici fait échouer le
test) et chaque lecture de l'API est demandée par chaque rôle hors du Lot (public, préfecture, collectivité et
partenaire de l'Aveyron) ; aucun ne doit y voir le nom « Zorglub » ni un lien vers les conventions cachées.
L'équipe nationale, qui lit tout, doit les voir : la preuve que le test sait les trouver.
"""

import io
import uuid
import zipfile
from datetime import date

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.actions import services as actions
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes import services
from pvd.programmes.models import Convention, Evenement, Laureat, Programme
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
MARQUE = "zorglub"
FIGEAC, GRAND_FIGEAC, CAPDENAC = "46102", "200067361", "12052"

# Les seules adresses non demandées : l'ouverture de session ProConnect (un fournisseur extérieur, sans registre).
SANS_REGISTRE = {"oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"}


def adresses(secret) -> dict[str, list[str]]:
    """Pour chaque nom d'adresse du site, les adresses à demander (GET), autour de l'objet caché et de l'Aveyron."""
    pk, lau = secret["convention"].pk, secret["laureat"].pk
    cadre, avenant = secret["cadre"].pk, secret["avenant"].pk
    plan, fiche, ligne = secret["plan"].pk, secret["fiche"].pk, secret["ligne"].pk
    etape, indicateur = secret["etape"].pk, secret["indicateur"].pk
    telechargements = [
        f"/donnees/pvd/telechargements/{jeu}.{ext}{suffixe}"
        for jeu, ext in [
            ("laureats", "csv"),
            ("laureats", "xlsx"),
            ("ort", "csv"),
            ("conventions", "csv"),
            ("conventions", "xlsx"),
            ("geojson", "json"),
            ("laureats.schema", "json"),
            ("fiches_actions", "csv"),
            ("lignes_financement", "csv"),
            ("subventions_scdl", "csv"),
            ("subventions_scdl", "xlsx"),
            ("subventions_scdl.schema", "json"),
            ("projets", "csv"),
            ("projets.schema", "json"),
        ]
        for suffixe in ("", "?departement=46")
    ]
    deux = ("46", "12")
    return {
        "accueil": ["/"],
        "favicon": ["/favicon.ico"],
        "sante": ["/sante/"],
        "recherche": ["/recherche/?q=Figeac", f"/recherche/?q={FIGEAC}", "/recherche/?q=Grand-Figeac"],
        "suggestions": ["/recherche/suggestions/?q=Figeac"],
        "departements": ["/departements/"],
        "departement": [f"/departements/{d}/" for d in deux],
        "epci": [f"/epci/{GRAND_FIGEAC}/"],
        "commune": [f"/communes/{FIGEAC}/", f"/communes/{CAPDENAC}/"],
        "tableau-de-bord": ["/programmes/pvd/", "/programmes/pvd/?au=2022-01-01"],
        "tableau-de-bord-region": ["/programmes/pvd/regions/76/"],
        "programme-departement": [f"/programmes/pvd/departements/{d}/" for d in deux],
        "plans": ["/programmes/pvd/plans/", "/programmes/pvd/plans/?au=2024-06-01"],
        "plans-region": [
            "/programmes/pvd/plans/regions/76/",
            "/programmes/pvd/plans/regions/76/?au=2024-06-01",
        ],
        "plans-departement": [f"/programmes/pvd/departements/{d}/plans/" for d in deux],
        "public-plans": ["/donnees/pvd/plans/", "/donnees/pvd/plans/?au=2024-06-01"],
        "convention-nouvelle": [f"/programmes/pvd/departements/{d}/conventions/nouvelle/" for d in deux],
        "poste-nouveau": [f"/programmes/pvd/departements/{d}/chefs-de-projet/nouveau/" for d in deux],
        "communique": [f"/programmes/pvd/departements/{d}/communique/?date=2021-06-01" for d in deux],
        "departement-publication": [f"/programmes/pvd/departements/{d}/publication/" for d in deux],
        "identifiants-contestes": ["/programmes/pvd/identifiants-contestes/"],
        "public-programme": ["/donnees/pvd/"],
        "public-departement": [f"/donnees/pvd/departements/{d}/" for d in deux],
        "telechargement": telechargements,
        "convention": [f"/conventions/{pk}/", f"/conventions/{cadre}/", f"/conventions/{avenant}/"],
        "convention-document": [f"/conventions/{pk}/document/"],
        "convention-publication": [f"/conventions/{pk}/publication/"],
        "convention-modifier": [f"/conventions/{pk}/modifier/"],
        "convention-ajout-commune": [f"/conventions/{pk}/communes/ajouter/"],
        "convention-signature": [f"/conventions/{pk}/signature/"],
        "plan-d-action": [f"/conventions/{c}/plan-d-action/" for c in (plan, cadre)],
        "fiche-action-nouvelle": [f"/conventions/{plan}/plan-d-action/nouvelle-fiche/"],
        "plan-d-action-import": [f"/conventions/{plan}/plan-d-action/importer/"],
        "fiche-action": [f"/fiches-actions/{fiche}/"],
        "fiche-action-modifier": [f"/fiches-actions/{fiche}/modifier/"],
        "fiche-action-etat": [f"/fiches-actions/{fiche}/etat/"],
        "ligne-financement-nouvelle": [f"/fiches-actions/{fiche}/financements/nouveau/"],
        "ligne-financement-modifier": [f"/financements/{ligne}/modifier/"],
        "etape-nouvelle": [f"/fiches-actions/{fiche}/etapes/nouvelle/"],
        "etape-marquer": [f"/etapes/{etape}/marquer/"],  # un envoi seulement : GET, 405
        "indicateur-nouveau": [f"/fiches-actions/{fiche}/indicateurs/nouveau/"],
        "valeur-indicateur-nouvelle": [f"/indicateurs/{indicateur}/valeurs/nouvelle/"],
        "cout-annuel": [f"/fiches-actions/{fiche}/couts/"],
        "public-plan-d-action": [f"/donnees/pvd/conventions/{c}/plan-d-action/" for c in (plan, cadre)],
        "plan-d-action-annexe": [
            f"/conventions/{c}/plan-d-action/annexe.{ext}" for c in (plan, cadre) for ext in ("docx", "pdf")
        ],
        "public-plan-d-action-annexe": [
            f"/donnees/pvd/conventions/{c}/plan-d-action/annexe.{ext}"
            for c in (plan, cadre)
            for ext in ("docx", "pdf")
        ],
        "journal": [
            "/journal/",
            "/journal/?format=csv",
            f"/journal/?objet_type=convention&objet_id={pk}",
        ],
        "imports": ["/imports/"],
        "import-apercu": [f"/imports/{uuid.uuid4()}/"],
        "import-communique": ["/imports/communique/"],
        "travail": [f"/travaux/{uuid.uuid4()}/"],
        "travail-etat": [f"/travaux/{uuid.uuid4()}/etat/"],
        "travail-fichier": [f"/travaux/{uuid.uuid4()}/fichier/"],
        "exports-nationaux": ["/programmes/pvd/exports/"],
        "plans-annexes": [f"/programmes/pvd/departements/{d}/plans/annexes/" for d in deux],
        "connexion": ["/connexion/"],
        "deconnexion": [],  # une déconnexion (POST) ne montre rien, et fermerait la session du test
        "accessibilite": ["/accessibilite/"],
        "mentions-legales": ["/mentions-legales/"],
        "donnees-personnelles": ["/donnees-personnelles/"],
        "plan-du-site": ["/plan-du-site/"],
        # L'API : chaque lecture, par le même chemin que ses clients.
        "api": [
            "/api/v1/programmes",
            "/api/v1/programmes/pvd",
            "/api/v1/laureats?programme=pvd",
            "/api/v1/laureats?programme=pvd&departement=46",
            f"/api/v1/laureats/{lau}",
            "/api/v1/conventions?programme=pvd",
            "/api/v1/conventions?programme=pvd&departement=46",
            f"/api/v1/conventions/{pk}",
            "/api/v1/communes?departement=46&nom=Figeac",
            f"/api/v1/communes/{FIGEAC}",
            f"/api/v1/epci/{GRAND_FIGEAC}",
            "/api/v1/epci?departement=46",
            "/api/v1/resolve?nom=Figeac",
            "/api/v1/fiches-actions",
            f"/api/v1/fiches-actions?convention={plan}",
            f"/api/v1/fiches-actions/{fiche}",
            "/api/v1/lignes-financement",
            f"/api/v1/lignes-financement?fiche={fiche}",
            "/api/v1/lignes-financement?departement=46&statut=accordee",
            f"/api/v1/lignes-financement/{ligne}",
        ],
    }


@pytest.fixture
def secret(db):
    """Figeac lauréate, non publiée, suivie par le Lot ; son adhésion à Grand-Figeac (Figeac seule, donc rien dans
    l'Aveyron), signée, non publiée ; son journal : l'inscription, la création, une modification, la signature."""
    pvd = Programme.objects.get(slug="pvd")
    figeac = Commune.objects.get(code=FIGEAC)
    laureat = services.laureat_register(
        programme=pvd,
        commune=figeac,
        date_selection=date(2020, 12, 14),
        identifiant_national="pvd-46-figeac",
        source="Note Zorglub",
        trace=TRACE,
    )
    convention = services.convention_create(
        programme=pvd,
        type="adhesion",
        epci=Epci.objects.get(siren=GRAND_FIGEAC),
        communes=[(figeac, "laureate")],
        intitule="Convention Zorglub",
        date_ouverture=date(2021, 3, 1),
        lieu_signature="Cahors",
        trace=TRACE,
    )
    convention = services.convention_update(
        convention=convention,
        version=convention.version,
        champs={"lieu_signature": "Zorglubville"},
        trace=TRACE,
    )
    convention = services.convention_sign(
        convention=convention,
        version=convention.version,
        date_signature=date(2021, 6, 1),
        signataires=[{"partie": "etat", "nom": "Anatole Zorglub", "qualite": "préfet du Lot"}],
        trace=TRACE,
    )
    assert convention.departement_suivi_id == "46" and not convention.publie and not laureat.publie
    # Capdenac-Gare (Aveyron), que lit l'Aveyron, porte un identifiant contesté que Figeac porte aussi : sa page ne
    # doit pas dire à l'Aveyron qui d'autre le porte.
    capdenac = services.laureat_register(
        programme=pvd,
        commune=Commune.objects.get(code=CAPDENAC),
        date_selection=date(2020, 12, 14),
        trace=TRACE,
    )
    Laureat.objects.filter(pk=capdenac.pk).update(identifiant_conteste="pvd-46-figeac")
    # La convention-cadre de Grand-Figeac avec Capdenac-Gare se lit depuis l'Aveyron ; son avenant pour Figeac seule,
    # non : la page de la convention-cadre ne doit ni le nommer ni y mener.
    cadre = services.convention_create(
        programme=pvd,
        type="cadre_ort",
        epci=Epci.objects.get(siren=GRAND_FIGEAC),
        communes=[(capdenac.commune, "laureate")],
        trace=TRACE,
    )
    avenant = services.convention_create(
        programme=pvd,
        type="avenant",
        parent=cadre,
        epci=cadre.epci,
        communes=[(figeac, "laureate")],
        intitule="Avenant Zorglub",
        trace=TRACE,
    )
    # Un plan d'action caché : la convention-cadre de Figeac seule (Lot, non publiée), une fiche et son financement.
    plan = services.convention_create(
        programme=pvd,
        type="cadre_ort",
        epci=Epci.objects.get(siren=GRAND_FIGEAC),
        communes=[(figeac, "laureate")],
        intitule="Cadre Zorglub",
        trace=TRACE,
    )
    fiche = actions.fiche_create(
        convention=plan,
        numero="1.1",
        intitule="Place Zorglub",
        axe=Axe.objects.get(code="formes-urbaines-patrimoine", programme=None),
        maitre_ouvrage=actions.organisation_obtenir(commune=figeac, trace=TRACE),
        communes=[figeac],
        cout_ht="100000",
        date_fin=date(2023, 12, 31),  # en retard : les listes « à faire » des tableaux de bord la nommeraient
        trace=TRACE,
    )
    ligne = actions.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="État"),
        dispositif=Dispositif.objects.get(code="detr"),
        montant="30000",
        statut="accordee",
        date_demande=date(2023, 1, 10),
        date_decision=date(2023, 4, 1),
        reference_decision="Arrêté Zorglub",
        trace=TRACE,
    )
    etape = actions.etape_ajouter(fiche=fiche, intitule="Étape Zorglub", trace=TRACE)
    indicateur = actions.indicateur_ajouter(fiche=fiche, nom="Indicateur Zorglub", trace=TRACE)
    aveyron = Epci.objects.filter(departements="12").exclude(departements="46").order_by("siren").first()
    comptes = {
        "national": utilisateur_creer(email="anct@test.gouv.fr", role="national"),
        "prefecture12": utilisateur_creer(
            email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"]
        ),
        "collectivite12": utilisateur_creer(
            email="cdp@aveyron.test", role="collectivite", epcis=[aveyron.siren]
        ),
        "partenaire12": utilisateur_creer(email="partenaire@test.fr", role="partenaire", departements=["12"]),
        "anonyme": None,
    }
    return {
        "laureat": laureat,
        "convention": Convention.objects.get(pk=convention.pk),
        "cadre": cadre,
        "avenant": avenant,
        "plan": plan,
        "fiche": fiche,
        "ligne": ligne,
        "etape": etape,
        "indicateur": indicateur,
        "comptes": comptes,
    }


def texte(reponse) -> str:
    """Le contenu lisible d'une réponse (un XLSX ou un DOCX est une archive : ses feuilles en XML ; un PDF : son
    texte extrait)."""
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    if contenu[:5] == b"%PDF-":
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages).lower()
    if contenu[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            contenu = b"".join(archive.read(nom) for nom in archive.namelist() if nom.endswith(".xml"))
    return contenu.decode("utf-8", errors="replace").lower()


def fuites(contenu: str, pks: list[int], adresse: str) -> list[str]:
    """Le nom de l'objet caché (lauréate, conventions, signataire, journal), un lien vers ses conventions ou, depuis
    la page de Capdenac-Gare, vers Figeac (qui porterait aussi son identifiant contesté)."""
    motifs = [MARQUE, *(f"/conventions/{pk}/" for pk in pks)]
    if adresse == f"/communes/{CAPDENAC}/":
        motifs.append(f"/communes/{FIGEAC}/")
    return [m for m in motifs if m in contenu]


def test_chaque_page_est_classee(secret, noms_des_pages):
    assert noms_des_pages - set(adresses(secret)) - SANS_REGISTRE == set()


@pytest.mark.parametrize("role", ["anonyme", "prefecture12", "collectivite12", "partenaire12"])
def test_aucune_page_ne_montre_le_registre_hors_du_perimetre(client, secret, role):
    compte = secret["comptes"][role]
    if compte is not None:
        client.force_login(compte)
    pks = [secret["convention"].pk, secret["avenant"].pk, secret["plan"].pk]
    vues, vus = 0, []
    for nom, liste in sorted(adresses(secret).items()):
        for adresse in liste:
            reponse = client.get(adresse)
            assert reponse.status_code < 500, (adresse, reponse.status_code)
            vues += 1
            if trouve := fuites(texte(reponse), pks, adresse):
                vus.append(f"{adresse} ({nom}, {reponse.status_code}) : {trouve}")
    assert vus == [], f"{role} voit l'objet caché sur " + " ; ".join(vus)
    assert vues > 60


def test_l_equipe_nationale_voit_l_objet_cache(client, secret):
    """La preuve que le test sait trouver l'objet : là où il est, l'équipe nationale le voit."""
    client.force_login(secret["comptes"]["national"])
    pk = secret["convention"].pk
    pks = [pk, secret["avenant"].pk, secret["plan"].pk]
    for adresse in (
        f"/communes/{FIGEAC}/",
        f"/communes/{CAPDENAC}/",
        f"/conventions/{pk}/",
        f"/conventions/{secret['cadre'].pk}/",
        "/journal/?format=csv",
        "/api/v1/conventions?programme=pvd",
        f"/api/v1/laureats/{secret['laureat'].pk}",
        f"/conventions/{secret['plan'].pk}/plan-d-action/",
        "/programmes/pvd/departements/46/plans/",
        f"/conventions/{secret['plan'].pk}/plan-d-action/annexe.docx",
        f"/conventions/{secret['plan'].pk}/plan-d-action/annexe.pdf",
        f"/fiches-actions/{secret['fiche'].pk}/",
        f"/api/v1/fiches-actions/{secret['fiche'].pk}",
        f"/api/v1/lignes-financement/{secret['ligne'].pk}",
        "/api/v1/lignes-financement?departement=46",
    ):
        reponse = client.get(adresse)
        assert reponse.status_code == 200, adresse
        assert fuites(texte(reponse), pks, adresse), adresse
