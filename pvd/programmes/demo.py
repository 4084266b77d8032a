"""L'exemple du Lot : le programme tel que le raconte le communiqué du préfet du 27 juillet 2021, et la suite publique.

Les noms sont écrits comme dans le communiqué (« Puy l'évêque », « Limogne », « communauté de communes de
Cauvaldor ») et passent par le résolveur, comme le ferait un utilisateur : aucun code INSEE n'est écrit ici.
Les écritures passent par les services, avec leurs règles.

Ce que les sources publiques ne disent pas reste inconnu (« non renseigné ») : les chefs de projet, l'ORT de
Capdenac-Gare, les noms des signataires des ORT. La date de sélection exacte n'est pas connue : les communes sont
lauréates « au plus tard » le 27 juillet 2021.

Les deux adhésions encore en élaboration le 27 juillet 2021 (Cazals-Salviac, Lalbenque-Limogne) ont été signées
entre le communiqué et la première convention-cadre ORT de leur EPCI (une ORT suppose l'adhésion), à une date que
les sources ne donnent pas : elles sont enregistrées signées « au plus tard » le jour de cette ORT, ce que les
pages, les exports et les communiqués disent, plutôt qu'un état impossible (une ORT sans adhésion).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from pvd.territoires.models import Commune, Departement, Epci
from pvd.territoires.resolution import resoudre

from . import services
from .models import Convention, ConventionCommune, Evenement, Laureat, Programme, Signataire
from .signataires import signataire_etat

SOURCE_COMMUNIQUE = "Communiqué de presse du préfet du Lot, Cahors, 27 juillet 2021"
SOURCE_ORT = "Fichier public de suivi des ORT (ministère de la Cohésion des territoires)"
DATE_COMMUNIQUE = date(2021, 7, 27)
DEPARTEMENT = "46"
NOMBRE_ANNONCE = 20  # « Pour le Lot, 20 communes sont lauréates »

ADHESIONS_SIGNEES = [
    ("communauté de communes de Cauvaldor",
     ["Souillac", "Martel", "Vayrac", "Bretenoux", "Biars-sur-Cère", "Saint-Céré", "Gramat"]),
    ("communauté de communes du Quercy Blanc", ["Montcuq-en-Quercy-Blanc", "Castelnau-Montratier-Sainte-Alauzie"]),
    ("communauté de communes du Grand Figeac", ["Lacapelle-Marival", "Cajarc", "Capdenac-Gare"]),
    ("communauté de communes de la Vallée du Lot et du vignoble", ["Puy l'évêque", "Prayssac", "Luzech"]),
    ("communauté de communes de Quercy-Bouriane", ["Gourdon"]),
]  # fmt: skip
ADHESIONS_EN_ELABORATION = [
    ("communauté de communes Cazals-Salviac", ["Cazals", "Salviac"]),
    ("communauté de communes du Pays de Lalbenque-Limogne", ["Lalbenque", "Limogne"]),
]
ORT = [
    (date(2022, 10, 18), "communauté de communes du Grand Figeac", ["Cajarc", "Lacapelle-Marival"]),
    (date(2023, 2, 9), "communauté de communes de Cauvaldor", ["Gramat", "Souillac"]),
    (date(2023, 10, 17), "communauté de communes de Cauvaldor",
     ["Biars-sur-Cère", "Bretenoux", "Martel", "Saint-Céré", "Vayrac"]),
    (date(2023, 10, 17), "communauté de communes de la Vallée du Lot et du vignoble",
     ["Luzech", "Prayssac", "Puy-l'Évêque"]),
    (date(2023, 10, 17), "communauté de communes du Quercy Blanc",
     ["Castelnau-Montratier-Sainte-Alauzie", "Montcuq-en-Quercy-Blanc"]),
    (date(2023, 10, 17), "communauté de communes de Quercy-Bouriane", ["Gourdon"]),
    (date(2023, 10, 17), "communauté de communes du Pays de Lalbenque-Limogne", ["Limogne"]),
    (date(2023, 12, 13), "communauté de communes du Pays de Lalbenque-Limogne", ["Lalbenque"]),
    (date(2023, 12, 19), "communauté de communes Cazals-Salviac", ["Cazals", "Salviac"]),
]  # fmt: skip
DUREE_ORT = 5


class NomIrresoluble(Exception):
    pass


def _commune(nom: str) -> Commune:
    r = resoudre(nom, type="commune", departement=DEPARTEMENT)
    if r.statut != "resolu":
        raise NomIrresoluble(f"« {nom} » : {r.message}")
    return Commune.objects.get(code=r.code)


def _epci(nom: str) -> Epci:
    r = resoudre(nom, type="epci", departement=DEPARTEMENT)
    if r.statut != "resolu":
        raise NomIrresoluble(f"« {nom} » : {r.message}")
    return Epci.objects.get(siren=r.code)


def _signataires_communes(communes: list[Commune], epci: Epci) -> list[dict]:
    """Les collectivités signataires, sans le nom des élus (donnée personnelle absente des sources)."""
    parties = [
        {
            "partie": Signataire.Partie.EPCI,
            "organisme": epci.nom,
            "qualite": f"présidente ou président de {epci.nom}",
        }
    ]
    parties += [
        {
            "partie": Signataire.Partie.COMMUNE,
            "organisme": c.nom,
            "commune": c,
            "qualite": f"maire de {c.nom}",
        }
        for c in communes
    ]
    return parties


@transaction.atomic
def charger_exemple_lot(programme: Programme | None = None) -> dict[str, int]:
    """Charge les faits du Lot ; ne fait rien s'ils sont déjà là (ses conventions existent). Renvoie ce qui a été
    créé. Une commune déjà lauréate (par la liste nationale, chargée avant par `pvd demo`) n'est pas réinscrite :
    le communiqué est noté parmi ses sources. Le communiqué dit « Pour le Lot, 20 communes sont lauréates » : il se
    dit complet pour le Lot, et `pvd check` montre où la liste nationale de janvier 2021 ne dit pas la même chose
    (Vayrac, Cœur de Causse)."""
    programme = programme or Programme.objects.get(slug="pvd")
    if Convention.objects.filter(programme=programme, departement_suivi_id=DEPARTEMENT).exists():
        return {"laureats": 0, "sources": 0, "conventions": 0}
    trace = services.Trace(canal=Evenement.Canal.DEMO)
    lot = Departement.objects.get(code=DEPARTEMENT)
    prefet = signataire_etat(lot, nom="Michel Prosic", qualite="préfet du Lot")  # nommé par le communiqué
    communique = services.document_obtenir(
        programme=programme,
        titre=SOURCE_COMMUNIQUE,
        date=DATE_COMMUNIQUE,
        exhaustif=True,
        perimetre=lot,
        nombre_annonce=NOMBRE_ANNONCE,
    )
    groupes = ADHESIONS_SIGNEES + ADHESIONS_EN_ELABORATION
    communes = [_commune(nom) for _, noms in groupes for nom in noms]
    deja = {
        laureat.commune_id: laureat
        for laureat in Laureat.objects.filter(programme=programme, commune__in=communes)
    }
    nouvelles = services.laureats_register(
        programme=programme,
        inscriptions=[
            services.Inscription(
                commune=commune,
                date_selection=DATE_COMMUNIQUE,
                precision_selection=Laureat.Precision.AU_PLUS_TARD,
                source=SOURCE_COMMUNIQUE,
            )
            for commune in communes
            if commune.code not in deja
        ],
        trace=trace,
    )
    laureats = len(nouvelles)
    sources = services.sources_ajouter(
        mentions=[
            services.Mention(laureat, communique, departement_lu=DEPARTEMENT)
            for laureat in [*deja.values(), *nouvelles]
        ],
        trace=trace,
    )

    conventions = 0
    for nom_epci, noms in ADHESIONS_SIGNEES:
        epci = _epci(nom_epci)
        communes = [_commune(nom) for nom in noms]
        convention = services.convention_create(
            programme=programme,
            type=Convention.Type.ADHESION,
            epci=epci,
            communes=[(c, ConventionCommune.Role.LAUREATE) for c in communes],
            date_signature_prevue=DATE_COMMUNIQUE,
            lieu_signature="Cahors, préfecture du Lot",
            trace=trace,
        )
        services.convention_sign(
            convention=convention,
            version=convention.version,
            date_signature=DATE_COMMUNIQUE,
            signataires=[prefet, *_signataires_communes(communes, epci)],
            trace=trace,
        )
        conventions += 1
    premiere_ort = {}
    for jour, nom_epci, _ in ORT:
        premiere_ort[nom_epci] = min(jour, premiere_ort.get(nom_epci, jour))
    for nom_epci, noms in ADHESIONS_EN_ELABORATION:
        epci = _epci(nom_epci)
        communes = [_commune(nom) for nom in noms]
        convention = services.convention_create(
            programme=programme,
            type=Convention.Type.ADHESION,
            epci=epci,
            communes=[(c, ConventionCommune.Role.LAUREATE) for c in communes],
            date_ouverture=DATE_COMMUNIQUE,  # en élaboration le jour du communiqué, qui le dit
            trace=trace,
        )
        services.convention_sign(
            convention=convention,
            version=convention.version,
            date_signature=premiere_ort[nom_epci],
            precision_signature=Convention.PrecisionSignature.AU_PLUS_TARD,
            signataires=[signataire_etat(lot), *_signataires_communes(communes, epci)],
            trace=trace,
        )
        conventions += 1
    for jour, nom_epci, noms in ORT:
        epci = _epci(nom_epci)
        communes = [_commune(nom) for nom in noms]
        convention = services.convention_create(
            programme=programme,
            type=Convention.Type.CADRE_ORT,
            epci=epci,
            communes=[(c, ConventionCommune.Role.LAUREATE) for c in communes],
            date_ouverture=jour,  # connue seulement à partir de sa signature
            date_signature_prevue=jour,
            duree_annees=DUREE_ORT,
            trace=trace,
        )
        services.convention_sign(
            convention=convention,
            version=convention.version,
            date_signature=jour,
            signataires=[signataire_etat(lot)],
            trace=trace,
        )
        conventions += 1
    # Ces faits sont publics (communiqué, fichier des ORT) : la préfecture les publie.
    services.publication_definir(
        objets=[
            *Laureat.objects.filter(programme=programme, departement_suivi_id=DEPARTEMENT).select_related(
                "commune"
            ),
            *Convention.objects.filter(programme=programme, departement_suivi_id=DEPARTEMENT),
        ],
        publie=True,
        trace=trace,
    )
    return {"laureats": laureats, "sources": sources, "conventions": conventions}
