"""Les jalons d'un lauréat, déduits des faits (jamais saisis deux fois), tels qu'ils étaient à une date donnée.

Étapes : sélection, convention d'adhésion signée, chef de projet recruté, convention-cadre valant ORT signée, avenants.
Les échéances viennent des règles du programme (`RegleEcheance` : ORT due 18 mois après l'adhésion pour PVD). Une
étape en retard est montrée en retard, avec de combien : dans les données réelles, c'est le cas courant ; le retard
est une information, pas une erreur.

Tout se calcule pour une liste de lauréats en un nombre fixe de requêtes (`avancements`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, TextChoices, Value

from .dates import ajouter_mois, date_longue, duree_en_francais
from .models import (
    Convention,
    ConventionCommune,
    Etape,
    Laureat,
    PosteChefDeProjet,
    Programme,
    existante_au,
)

# Au-delà, les jalons lisent tout le programme plutôt qu'une liste IN (voir `conventions_des_communes`).
LISTE_IN_JALONS = 500
ETAPES_CONVENTION = {Etape.ADHESION: Convention.Type.ADHESION, Etape.CADRE_ORT: Convention.Type.CADRE_ORT}


class Etat(TextChoices):
    FAIT = "fait", "fait"
    FAIT_EN_RETARD = "fait_en_retard", "fait en retard"
    EN_RETARD = "en_retard", "en retard"
    EN_COURS = "en_cours", "en cours"
    A_VENIR = "a_venir", "à venir"
    NON_RENSEIGNE = "non_renseigne", "non renseigné"


@dataclass
class Jalon:
    etape: str
    date: date | None = None
    echeance: date | None = None
    etat: str = Etat.NON_RENSEIGNE
    retard_jours: int = 0
    precision: str = ""
    convention: ConventionResume | None = None
    date_prevue: date | None = None

    @property
    def libelle(self) -> str:
        return Etape(self.etape).label

    @property
    def etat_libelle(self) -> str:
        return Etat(self.etat).label

    @property
    def en_retard(self) -> bool:
        return self.etat in (Etat.EN_RETARD, Etat.FAIT_EN_RETARD)

    @property
    def texte(self) -> str:
        """« 9 février 2023 (en retard de 13 jours) », « en retard de 2 ans », « non renseigné »…"""
        if self.precision == "inconnue":
            return "date non renseignée"
        if self.date:
            texte = ("au plus tard le " if self.precision else "") + date_longue(self.date)
            if self.etat == Etat.FAIT_EN_RETARD:
                texte += f" (en retard de {duree_en_francais(self.retard_jours)})"
            return texte
        if self.etat == Etat.EN_RETARD:
            return f"en retard de {duree_en_francais(self.retard_jours)} (dû le {date_longue(self.echeance)})"
        if self.etat == Etat.EN_COURS:
            prevue = f", signature prévue le {date_longue(self.date_prevue)}" if self.date_prevue else ""
            return f"en cours{prevue}"
        if self.etat == Etat.A_VENIR and self.echeance:
            return f"à venir (échéance le {date_longue(self.echeance)})"
        return "non renseigné"

    @property
    def detail(self) -> str:
        """Ce que `texte` ajoute à l'état, pour l'écrire à côté de son badge sans le répéter (« EN COURS signature
        prévue le 1er mars 2024 », jamais « NON RENSEIGNÉ non renseigné ») ; vide s'il n'ajoute rien."""
        if self.precision == "inconnue" or self.date:
            return self.texte
        if self.etat == Etat.EN_RETARD:
            return f"depuis {duree_en_francais(self.retard_jours)} (dû le {date_longue(self.echeance)})"
        if self.etat == Etat.EN_COURS:
            if self.date_prevue:
                return f"signature prévue le {date_longue(self.date_prevue)}"
            return "signature prévue : non renseignée"
        if self.etat == Etat.A_VENIR and self.echeance:
            return f"échéance le {date_longue(self.echeance)}"
        return ""


@dataclass
class Avancement:
    laureat: Laureat
    jalons: list[Jalon] = field(default_factory=list)
    avenants: list[Jalon] = field(default_factory=list)

    def jalon(self, etape: str) -> Jalon:
        return next(j for j in self.jalons if j.etape == etape)

    @property
    def en_retard(self) -> bool:
        return any(j.etat == Etat.EN_RETARD for j in self.jalons)

    @property
    def tous(self) -> list[Jalon]:
        return self.jalons + self.avenants


@dataclass(frozen=True)
class ConventionResume:
    """Ce qu'un jalon retient d'une convention : de quoi dater l'étape et faire un lien."""

    pk: int
    type: str
    date_signature: date | None
    date_signature_prevue: date | None
    precision_signature: str = Convention.PrecisionSignature.EXACTE


def conventions_des_communes(
    programme: Programme, codes: list[str], au: date, publiques: bool = False
) -> dict[str, list[ConventionResume]]:
    """Les conventions existant à la date donnée, par code de commune, en une requête sur la table de liaison.

    Jusqu'à `LISTE_IN_JALONS` communes, les liens de ces communes seulement (index sur `commune_id`, puis chaque
    convention par sa clé). Le filtre du programme est écrit `programme_id + 0` pour que SQLite ne prenne pas l'index
    du programme : sans statistiques, il préférait parcourir toutes les conventions du programme en sondant la liste
    pour chacune (8 ms pour les 23 communes du Lot, 50 ms pour 500 codes sur un registre national ; 2,6 et 11 ms
    ainsi). Au-delà, on lit tous les liens du programme.
    """
    liens = ConventionCommune.objects.filter(existante_au(au, "convention__"))
    if len(codes) <= LISTE_IN_JALONS:
        liens = liens.filter(commune_id__in=codes).alias(
            programme_sans_index=F("convention__programme_id") + Value(0)
        )
        liens = liens.filter(programme_sans_index=programme.pk)
    else:
        liens = liens.filter(convention__programme=programme)
    if publiques:
        liens = liens.filter(convention__publie=True)
    voulues = set(codes)
    par_commune: dict[str, list[ConventionResume]] = defaultdict(list)
    lignes = liens.order_by("convention__date_signature", "convention_id").values_list(
        "commune_id",
        "convention_id",
        "convention__type",
        "convention__date_signature",
        "convention__date_signature_prevue",
        "convention__precision_signature",
    )
    for commune, pk, type_, signature, prevue, precision in lignes:
        if commune in voulues:
            par_commune[commune].append(ConventionResume(pk, type_, signature, prevue, precision))
    return par_commune


def avancements(
    programme: Programme, laureats: list[Laureat], au: date, publiques: bool = False
) -> list[Avancement]:
    """Les jalons de chaque lauréat, tels qu'au jour `au` ; trois requêtes quel que soit le nombre de lauréats.

    `publiques` : pour le public, seules les conventions publiées comptent, et les postes de chef de projet (données
    internes) ne sont pas lus.
    """
    regles = {r.cible: r for r in programme.regles_echeance.all()}
    codes = [laureat.commune_id for laureat in laureats]
    par_commune = conventions_des_communes(programme, codes, au, publiques)
    if publiques:
        return [
            _avancement(laureat, par_commune.get(laureat.commune_id, []), [], regles, au)
            for laureat in laureats
        ]
    postes: dict[int, list[date]] = defaultdict(list)
    liaisons = PosteChefDeProjet.laureats.through.objects.filter(postechefdeprojet__date_prise_poste__lte=au)
    if len(laureats) <= LISTE_IN_JALONS:
        liaisons = liaisons.filter(laureat_id__in=[laureat.pk for laureat in laureats])
    else:
        liaisons = liaisons.filter(postechefdeprojet__programme=programme)
    for laureat_id, prise in liaisons.values_list("laureat_id", "postechefdeprojet__date_prise_poste"):
        postes[laureat_id].append(prise)
    return [
        _avancement(laureat, par_commune.get(laureat.commune_id, []), postes.get(laureat.pk, []), regles, au)
        for laureat in laureats
    ]


def _avancement(
    laureat: Laureat, conventions: list[ConventionResume], prises: list[date], regles, au: date
) -> Avancement:
    dates: dict[str, date | None] = {}
    jalons: list[Jalon] = []

    def echeance(etape: str) -> date | None:
        regle = regles.get(etape)
        if regle is None or not regle.delai_mois:
            return None
        origine = dates.get(regle.origine)
        return ajouter_mois(origine, regle.delai_mois) if origine else None

    selection = Jalon(Etape.SELECTION, date=laureat.date_selection, etat=Etat.FAIT)
    if laureat.precision_selection == Laureat.Precision.AU_PLUS_TARD:
        selection.precision = "au plus tard"
    elif laureat.precision_selection == Laureat.Precision.INCONNUE:
        selection.precision = "inconnue"
    dates[Etape.SELECTION] = laureat.date_selection
    jalons.append(selection)

    for etape in (Etape.ADHESION, Etape.CHEF_DE_PROJET, Etape.CADRE_ORT):
        jalon = Jalon(etape, echeance=echeance(etape))
        if etape == Etape.CHEF_DE_PROJET:
            jalon.date = min(prises) if prises else None
        else:
            du_type = [c for c in conventions if c.type == ETAPES_CONVENTION[etape]]
            signees = [c for c in du_type if c.date_signature and c.date_signature <= au]
            if signees:
                jalon.convention = signees[0]
                jalon.date = signees[0].date_signature
                if signees[0].precision_signature == Convention.PrecisionSignature.AU_PLUS_TARD:
                    jalon.precision = "au plus tard"
            elif du_type:
                jalon.convention = du_type[0]
                jalon.date_prevue = du_type[0].date_signature_prevue
        dates[etape] = jalon.date
        _qualifier(jalon, au)
        jalons.append(jalon)

    avenants = [
        Jalon(
            Etape.AVENANT,
            date=c.date_signature,
            etat=Etat.FAIT,
            convention=c,
            precision="au plus tard"
            if c.precision_signature == Convention.PrecisionSignature.AU_PLUS_TARD
            else "",
        )
        for c in conventions
        if c.type == Convention.Type.AVENANT and c.date_signature and c.date_signature <= au
    ]
    return Avancement(laureat, jalons, avenants)


def _qualifier(jalon: Jalon, au: date) -> None:
    if jalon.date:
        if jalon.echeance and jalon.date > jalon.echeance:
            jalon.etat, jalon.retard_jours = Etat.FAIT_EN_RETARD, (jalon.date - jalon.echeance).days
        else:
            jalon.etat = Etat.FAIT
    elif jalon.echeance and au > jalon.echeance:
        jalon.etat, jalon.retard_jours = Etat.EN_RETARD, (au - jalon.echeance).days
    elif jalon.convention is not None:
        jalon.etat = Etat.EN_COURS
    elif jalon.echeance:
        jalon.etat = Etat.A_VENIR
    else:
        jalon.etat = Etat.NON_RENSEIGNE


HORIZON_A_FAIRE = timedelta(days=180)


@dataclass
class EcheanceAjoutee:
    """Une échéance qu'une application du dessus ajoute aux jalons (une action du plan d'action passée sa fin
    prévue) : ce qu'en montrent la liste « à faire » et `pvd check`."""

    echeance: date
    texte: str
    objet: object = None  # pour le lien de la page (`get_absolute_url`)
    en_retard: bool = True


# Les fonctions (programme, au, departement, utilisateur) → [EcheanceAjoutee] qu'inscrivent à leur démarrage
# (`AppConfig.ready`) les applications du dessus : `programmes` ne les importe pas.
ECHEANCES_AJOUTEES: list = []


def echeances_ajoutees(programme: Programme, au: date, departement: str = "", utilisateur=None) -> list:
    """Les échéances des applications inscrites, par date : une même règle pour la page et pour `pvd check`."""
    return sorted(
        (e for source in ECHEANCES_AJOUTEES for e in source(programme, au, departement, utilisateur)),
        key=lambda e: (e.echeance, e.texte),
    )


def a_faire(lignes: list[Avancement], au: date) -> list[tuple]:
    """La liste « à faire » d'un département : les jalons en retard, et ceux à venir ou en cours dont l'échéance tombe
    dans les six mois (`HORIZON_A_FAIRE`), par échéance puis par commune ; chaque élément est (lauréat, jalon)."""
    return sorted(
        (
            (ligne.laureat, jalon)
            for ligne in lignes
            for jalon in ligne.jalons
            if jalon.etat == Etat.EN_RETARD
            or (
                jalon.etat in (Etat.A_VENIR, Etat.EN_COURS)
                and jalon.echeance
                and jalon.echeance - au <= HORIZON_A_FAIRE
            )
        ),
        key=lambda paire: (paire[1].echeance or au, paire[0].commune.cle_tri),
    )
