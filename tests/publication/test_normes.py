"""Les exports aux standards nationaux, validés par frictionless contre les schémas publiés que nous servons :
SCDL « Subventions » 1.1 (seules les subventions accordées ou versées, publiées) et « projets » des collectivités."""

import csv
import io
import json
import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from frictionless import Resource, Schema, validate

from pvd.actions import services
from pvd.actions.models import Axe, Dispositif, Organisation
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Evenement, Programme
from pvd.programmes.services import publication_definir
from pvd.publication.exports import produire
from pvd.publication.normes import ESPACE_UUID, schema_publie
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
AUJOURD_HUI = date.today()
DECISION = {"date_demande": date(2024, 1, 5), "date_decision": date(2024, 3, 1)}
DEBUT_2024 = timezone.make_aware(datetime(2024, 1, 2, 9))


@pytest.fixture
def pvd():
    """Le plan de Cauvaldor (convention publiée) : une fiche portée par Gramat avec une ligne de chaque sorte, une
    fiche portée par l'EPCI ; et une fiche d'une convention-cadre non publiée, avec une subvention accordée."""
    programme = Programme.objects.get(slug="pvd")
    charger_exemple_lot(programme)
    cadres = Convention.objects.filter(type="cadre_ort").order_by("date_signature", "pk")
    cauvaldor = cadres.filter(epci_id="200066371").first()
    gramat = Commune.objects.get(code="46128")
    etat = Organisation.objects.get(nom="État")
    bdt = Organisation.objects.get(nom="Banque des Territoires")
    halle = services.fiche_create(
        convention=cauvaldor,
        numero="1.1",
        intitule="Halle couverte de Gramat",
        description="Restaurer la halle du XIXe siècle.",
        axe=Axe.objects.get(code="developpement-economique-commercial"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        cout_ht="100000",
        cout_ttc="120000.49",
        date_debut=date(2024, 2, 1),
        date_fin=date(2030, 12, 31),
        cree_le=DEBUT_2024,
        trace=TRACE,
    )

    def ligne(fiche, financeur, code, montant, statut, **autres):
        dispositif = Dispositif.objects.get(code=code) if code else None
        services.ligne_create(
            fiche=fiche,
            financeur=financeur,
            dispositif=dispositif,
            montant=montant,
            statut=statut,
            cree_le=DEBUT_2024,
            trace=TRACE,
            **autres,
        )

    ligne(halle, etat, "fonds-vert", "40000", "accordee", reference_decision="FV-46-2024-12", **DECISION)
    ligne(halle, bdt, "bdt-ingenierie", "5000", "versee", date_versement=date(2024, 6, 15), **DECISION)
    ligne(halle, bdt, "bdt-pret", "30000", "accordee", **DECISION)  # un prêt n'est pas une subvention
    ligne(halle, etat, "dsil", "20000", "refusee", **DECISION)
    ligne(halle, etat, "detr", "15000", "sollicitee", date_demande=date(2024, 1, 5))
    ligne(halle, etat, "fnadt", "9000", "envisagee")
    ligne(halle, gramat, "autofinancement", "24000", "accordee", **DECISION)  # pas une subvention
    epci = services.organisation_obtenir(epci=Epci.objects.get(siren="200066371"), trace=TRACE)
    services.fiche_create(
        convention=cauvaldor,
        numero="1.2",
        intitule="Étude de revitalisation",
        axe=Axe.objects.get(code="habitat"),
        maitre_ouvrage=epci,
        communes=[gramat, Commune.objects.get(code="46309")],
        date_fin=AUJOURD_HUI - timedelta(days=30),  # en retard
        trace=TRACE,
    )
    cachee = cadres.exclude(pk=cauvaldor.pk).first()
    publication_definir(objets=[cachee], publie=False, trace=TRACE)
    commune_cachee = cachee.communes.first().commune
    fiche_cachee = services.fiche_create(
        convention=cachee,
        numero="9.9",
        intitule="Action non publiée",
        axe=Axe.objects.get(code="habitat"),
        maitre_ouvrage=commune_cachee,
        communes=[commune_cachee],
        trace=TRACE,
    )
    ligne(fiche_cachee, etat, "detr", "1000", "accordee", **DECISION)
    return programme


def _valider(contenu: bytes, schema: dict, tmp_path, nom: str):
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    return validate(Resource(path=nom, basepath=str(tmp_path), schema=Schema.from_descriptor(schema)))


def _lignes(contenu: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))


def test_subventions_scdl_seulement_les_accordees_et_versees_publiees(pvd, tmp_path):
    contenu, schema = produire("subventions_scdl", "csv", programme=pvd, au=AUJOURD_HUI)
    assert schema == schema_publie("subventions_scdl") and schema["version"] == "1.1"
    lignes = _lignes(contenu)
    assert list(lignes[0]) == [f["name"] for f in schema["fields"]]
    assert [(ligne["nomAttribuant"], ligne["montant"]) for ligne in lignes] == [
        ("État", "40000.00"),
        ("Banque des Territoires", "5000.00"),
    ]
    etat, bdt = lignes
    gramat = Commune.objects.get(code="46128")
    assert etat["nomBeneficiaire"] == "Gramat" and etat["idBeneficiaire"] == gramat.siren
    assert etat["dateConvention"] == "2024-03-01" and etat["referenceDecision"] == "FV-46-2024-12"
    assert etat["objet"].startswith("Fonds vert") and "Halle couverte de Gramat" in etat["objet"]
    assert etat["datesPeriodeVersement"] == "2024-03-01/2030-12-31"  # de la décision à la fin prévue
    assert bdt["datesPeriodeVersement"] == "2024-06-15" and bdt["conditionsVersement"] == "unique"
    assert {ligne["notificationUE"] for ligne in lignes} == {"non"}
    assert {ligne["nature"] for ligne in lignes} == {"aide en numéraire"}
    assert {ligne["pourcentageSubvention"] for ligne in lignes} == {"1.00"}


def test_subventions_scdl_valide_contre_le_schema_publie_sauf_le_siret(pvd, tmp_path):
    """Le schéma demande un SIRET (14 chiffres) ; le registre n'a que le SIREN, ou rien pour l'État : c'est le seul
    écart permis, champ par champ — toute autre erreur fait échouer le test."""
    contenu, schema = produire("subventions_scdl", "csv", programme=pvd, au=AUJOURD_HUI)
    rapport = _valider(contenu, schema, tmp_path, "subventions.csv")
    erreurs = rapport.flatten(["rowNumber", "fieldName", "type", "cell"])
    assert erreurs, "le SIRET manque : le validateur doit le voir, sinon ce test ne prouve rien"
    for _, champ, genre, cellule in erreurs:
        assert champ in ("idAttribuant", "idBeneficiaire") and genre == "constraint-error", erreurs
        assert cellule in ("", None) or re.fullmatch(r"\d{9}", cellule), erreurs
    # Sans ces deux contraintes, le fichier est valide : tout le reste suit le schéma publié.
    assoupli = json.loads(json.dumps(schema))
    for champ in assoupli["fields"]:
        if champ["name"] in ("idAttribuant", "idBeneficiaire"):
            champ["constraints"] = {"pattern": r"^(\d{9}|\d{14})$"}
    rapport = _valider(contenu, assoupli, tmp_path, "subventions.csv")
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])


def test_subventions_scdl_un_montant_mal_forme_serait_vu(pvd, tmp_path):
    """La validation sait échouer : un montant écrit à la française n'est pas un nombre du schéma."""
    contenu, schema = produire("subventions_scdl", "csv", programme=pvd, au=AUJOURD_HUI)
    abime = contenu.replace(b"40000.00", b'"40000,00"')
    erreurs = _valider(abime, schema, tmp_path, "abime.csv").flatten(["fieldName", "type"])
    assert ["montant", "type-error"] in erreurs


def test_subventions_scdl_a_une_date_passee(pvd):
    contenu, _ = produire("subventions_scdl", "csv", programme=pvd, au=date(2024, 4, 1))
    # Avant le versement (15 juin), la ligne de la Banque des Territoires est accordée, sans date de versement.
    bdt = next(ligne for ligne in _lignes(contenu) if ligne["nomAttribuant"] == "Banque des Territoires")
    assert bdt["datesPeriodeVersement"] == "2024-03-01/2030-12-31"


def test_projets_valide_contre_le_schema_publie(pvd, tmp_path):
    contenu, schema = produire("projets", "csv", programme=pvd, au=AUJOURD_HUI)
    assert schema == schema_publie("projets") and schema["version"] == "v0.1.1"
    rapport = _valider(contenu, schema, tmp_path, "projets.csv")
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    lignes = _lignes(contenu)
    assert [ligne["nom"] for ligne in lignes] == ["Halle couverte de Gramat", "Étude de revitalisation"]
    halle, etude = lignes
    assert halle["budgetPrevisionnel"] == "120000" and halle["dateDebutPrevisionnelle"] == "2024-02-01"
    assert (halle["phase"], halle["phaseStatut"]) == ("Étude", "En cours")
    assert (etude["phase"], etude["phaseStatut"]) == ("Étude", "En retard")
    assert halle["programme"] == "Petites villes de demain"
    assert json.loads(halle["collectiviteIds"]) == [str(uuid.uuid5(ESPACE_UUID, "commune:46128"))]
    assert str(uuid.uuid5(ESPACE_UUID, "epci:200066371")) in json.loads(etude["collectiviteIds"])
    for ligne in lignes:  # jamais de donnée personnelle
        assert not any(ligne[c] for c in ligne if c.startswith("porteurReferent"))
    assert "Action non publiée" not in contenu.decode("utf-8")


def test_projets_suit_l_etat_de_la_fiche(pvd):
    from pvd.actions.models import FicheAction

    fiche = FicheAction.objects.get(numero="1.1", convention__epci_id="200066371")
    fiche = services.fiche_etat_changer(
        fiche=fiche, version=fiche.version, etat="programmee", jour=AUJOURD_HUI, trace=TRACE
    )
    services.fiche_etat_changer(
        fiche=fiche, version=fiche.version, etat="en_pause", jour=AUJOURD_HUI, motif="Fouilles", trace=TRACE
    )
    halle = _lignes(produire("projets", "csv", programme=pvd, au=AUJOURD_HUI)[0])[0]
    assert (halle["phase"], halle["phaseStatut"]) == ("Opération", "En pause")


@pytest.mark.parametrize("jeu", ["subventions_scdl", "projets"])
def test_telechargement_et_schema_publies(client, pvd, jeu):
    page = client.get("/donnees/pvd/").content.decode()
    assert f"/donnees/pvd/telechargements/{jeu}.csv" in page
    assert f"/donnees/pvd/telechargements/{jeu}.schema.json" in page
    reponse = client.get(f"/donnees/pvd/telechargements/{jeu}.csv?departement=46")
    assert reponse.status_code == 200 and "Action non publiée" not in reponse.content.decode()
    assert f'filename="pvd-{jeu}-46-' in reponse["Content-Disposition"]
    assert client.get(f"/donnees/pvd/telechargements/{jeu}.schema.json").json() == schema_publie(jeu)
    assert client.get(f"/donnees/pvd/telechargements/{jeu}.xlsx").content[:2] == b"PK"


def test_export_national_en_requetes_fixes(pvd, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        produire("subventions_scdl", "csv", programme=pvd, au=AUJOURD_HUI)
    with django_assert_max_num_queries(8):
        produire("projets", "csv", programme=pvd, au=AUJOURD_HUI)


def test_pvd_export_ecrit_le_schema_publie_a_cote(pvd, tmp_path):
    from django.core.management import call_command

    sortie = tmp_path / "subventions.csv"
    call_command("export", "subventions_scdl", output=str(sortie))
    assert sortie.read_bytes().startswith(b"nomAttribuant,idAttribuant,dateConvention")
    assert json.loads((tmp_path / "subventions.schema.json").read_text()) == schema_publie("subventions_scdl")


def test_une_fiche_existe_des_son_jour_de_creation_heure_de_paris(pvd):
    """Créée le 31 mai à 23 h 30 à Paris (21 h 30 UTC, mais le 1er juin à 0 h 30 à Tokyo) : dans l'export au 31 mai,
    pas au 30."""
    from zoneinfo import ZoneInfo

    from pvd.actions.models import FicheAction

    FicheAction.objects.filter(numero="1.2").update(
        cree_le=datetime(2024, 5, 31, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))
    )
    noms = lambda au: [ligne["nom"] for ligne in _lignes(produire("projets", "csv", programme=pvd, au=au)[0])]  # noqa: E731
    assert "Étude de revitalisation" in noms(date(2024, 5, 31))
    assert "Étude de revitalisation" not in noms(date(2024, 5, 30))


def _siret(prefixe: str) -> str:
    """Un SIRET dont la clé de Luhn tombe juste : le préfixe (SIREN et début du NIC), puis le chiffre qui convient."""
    for dernier in "0123456789":
        chiffres = [int(c) for c in prefixe + dernier]
        somme = sum(
            c if i % 2 == 0 else (2 * c - 9 if 2 * c > 9 else 2 * c) for i, c in enumerate(reversed(chiffres))
        )
        if somme % 10 == 0:
            return prefixe + dernier
    raise AssertionError(prefixe)


def test_un_siret_faux_est_refuse_en_francais():
    gramat = Organisation.objects.create(nom="Commune de Gramat (essai)", siren="214601288", nature="prive")
    for siret, morceau in [
        ("2146012880001", "quatorze chiffres"),
        (_siret("7328293200007"), "SIREN 214601288"),
        (
            _siret("2146012880001")[:-1] + ("1" if _siret("2146012880001")[-1] == "0" else "0"),
            "clé de contrôle",
        ),
    ]:
        gramat.siret = siret
        with pytest.raises(ValidationError) as erreur:
            gramat.full_clean()
        assert morceau in " ".join(erreur.value.message_dict["siret"])
    gramat.siret = _siret("2146012880001")
    gramat.full_clean()
    la_poste = Organisation(
        nom="La Poste (essai)", siren="356000000", nature="operateur", siret="35600000000001"
    )
    la_poste.full_clean()  # La Poste : la somme des chiffres est un multiple de 5, pas la clé de Luhn


def test_subventions_scdl_avec_les_siret_valide_sans_ecart(pvd, tmp_path):
    """Les SIRET saisis dans l'administration remplacent les SIREN : le fichier suit alors le schéma publié en tout."""
    for organisation in Organisation.objects.all():
        organisation.siret = _siret((organisation.siren or "110000000")[:9] + "0001")
        organisation.save(update_fields=["siret"])
    contenu, schema = produire("subventions_scdl", "csv", programme=pvd, au=AUJOURD_HUI)
    rapport = _valider(contenu, schema, tmp_path, "subventions.csv")
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    etat = _lignes(contenu)[0]
    assert etat["idAttribuant"] == Organisation.objects.get(nom="État").siret
    assert etat["idBeneficiaire"] == Organisation.objects.get(commune_id="46128").siret
    projets = _lignes(produire("projets", "csv", programme=pvd, au=AUJOURD_HUI)[0])
    assert {p["porteurCodeSiret"] for p in projets} == {
        Organisation.objects.get(commune_id="46128").siret,
        Organisation.objects.get(epci_id="200066371").siret,
    }
