"""Schémas du plan d'action : fiches actions et lignes de financement, lues « au » jour du contexte, et ce que l'on
reçoit pour les écrire. Les montants sont des décimaux exacts (chaînes en JSON : « 125000.00 »)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from pvd.actions import regles
from pvd.actions.models import FicheAction

from . import DECALAGE_MAX, LIMITE_MAX, Jour
from .programmes import CommuneRef

Precision = Literal["jour", "mois", "trimestre", "annee"]
EtatAction = Literal[
    "a_l_etude", "programmee", "engagee", "en_cours", "realisee", "en_pause", "bloquee", "abandonnee"
]


class AxeRef(Schema):
    code: str
    nom: str


class OrganisationRef(Schema):
    id: int
    nom: str
    siren: str
    nature: str


class LigneSchema(Schema):
    id: int
    financeur: OrganisationRef
    dispositif: str | None
    montant: Decimal
    statut: str
    date_demande: date | None
    date_decision: date | None
    reference_decision: str
    date_versement: date | None
    version: int

    @staticmethod
    def resolve_dispositif(obj) -> str | None:
        return obj.dispositif.code if obj.dispositif_id else None

    @staticmethod
    def resolve_statut(obj, context) -> str:
        au = (context or {}).get("au")
        return obj.statut_au(au) if au else obj.statut


# Une fiche action telle qu'elle était au jour `au` du contexte : son état d'alors, les lignes qui existaient alors
# (sans les lignes encore envisagées pour le public), ses avertissements (comptes d'équipe seulement).
class FicheSchema(Schema):
    id: int
    convention: int
    avenant: int | None
    numero: str
    intitule: str
    description: str
    axe: AxeRef
    communes: list[CommuneRef]
    maitre_ouvrage: OrganisationRef
    partenaires: list[OrganisationRef]
    date_debut: date | None
    precision_debut: str
    date_fin: date | None
    precision_fin: str
    date_fin_reelle: date | None
    etat: str | None
    en_retard: bool
    cout_ht: Decimal | None
    cout_ttc: Decimal | None
    derogation_participation: str
    source: str
    lignes: list[LigneSchema]
    total_financement: Decimal
    avertissements: list[str]
    version: int

    @staticmethod
    def resolve_convention(obj) -> int:
        return obj.convention_id

    @staticmethod
    def resolve_avenant(obj) -> int | None:
        return obj.avenant_id

    @staticmethod
    def resolve_etat(obj, context) -> str | None:
        return obj.etat_au(context["au"])

    @staticmethod
    def resolve_en_retard(obj, context) -> bool:
        return obj.en_retard_au(context["au"])

    @staticmethod
    def resolve_lignes(obj, context) -> list:
        return [ligne for ligne, _ in regles.plan(obj, context["au"], publique=context["public"]).lignes]

    @staticmethod
    def resolve_total_financement(obj, context) -> Decimal:
        return regles.plan(obj, context["au"], publique=context["public"]).total

    @staticmethod
    def resolve_avertissements(obj, context) -> list[str]:
        return [] if context["public"] else regles.avertissements(obj, context["au"])

    @classmethod
    def de(cls, fiche: FicheAction, au: date, public: bool) -> FicheSchema:
        return cls.model_validate(fiche, context={"au": au, "public": public})


class PageFiches(Schema):
    total: int
    limit: int
    offset: int
    au: date
    resultats: list[FicheSchema]


class FiltresFiches(Schema):
    programme: str = "pvd"
    departement: str | None = Field(None, max_length=3, description="département de suivi de la convention")
    epci: str | None = Field(None, max_length=9, description="SIREN de l'EPCI de la convention")
    commune: str | None = Field(None, max_length=5, description="code INSEE d'une commune concernée")
    convention: int | None = None
    axe: str | None = Field(None, max_length=40)
    etat: EtatAction | None = Field(None, description="l'état au jour `au`")
    financeur: int | None = Field(None, description="identifiant de l'organisation qui finance une ligne")
    dispositif: str | None = Field(
        None, max_length=40, description="code du dispositif d'une ligne (« detr »)"
    )
    au: Jour | None = None
    limit: int = Field(100, ge=1, le=LIMITE_MAX)
    offset: int = Field(0, ge=0, le=DECALAGE_MAX)


class MaitreOuvrageSaisi(Schema):
    model_config = ConfigDict(extra="forbid")
    insee: str | None = Field(None, max_length=5, description="une commune")
    epci: str | None = Field(None, max_length=9, description="un EPCI (SIREN)")
    organisation: int | None = Field(None, description="une organisation déjà enregistrée")
    nom: str = Field("", max_length=200)
    siren: str = Field("", max_length=11)
    nature: str = Field("", max_length=20)


class FicheModification(Schema):
    model_config = ConfigDict(extra="forbid")
    numero: str | None = Field(None, max_length=20)
    intitule: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20_000)
    axe: str | None = Field(None, max_length=40, description="code de l'axe")
    maitre_ouvrage: MaitreOuvrageSaisi | None = None
    communes: list[str] | None = Field(None, max_length=200, description="codes INSEE")
    date_debut: date | None = None
    precision_debut: Precision | None = None
    date_fin: date | None = None
    precision_fin: Precision | None = None
    cout_ht: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    cout_ttc: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    derogation_participation: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=500)


class FicheCreation(FicheModification):
    convention: int
    avenant: int | None = None
    numero: str = Field(..., max_length=20)
    intitule: str = Field(..., max_length=300)
    axe: str = Field(..., max_length=40)
    maitre_ouvrage: MaitreOuvrageSaisi


StatutLigne = Literal["envisagee", "sollicitee", "accordee", "versee", "refusee"]


# Une ligne de financement lue seule : sa fiche et sa convention en plus, son statut au jour `au` du contexte.
class LigneDetailSchema(LigneSchema):
    fiche: int
    convention: int

    @staticmethod
    def resolve_fiche(obj) -> int:
        return obj.fiche_id

    @staticmethod
    def resolve_convention(obj) -> int:
        return obj.fiche.convention_id

    @classmethod
    def de(cls, ligne, au: date) -> LigneDetailSchema:
        return cls.model_validate(ligne, context={"au": au})


class PageLignes(Schema):
    total: int
    limit: int
    offset: int
    au: date
    resultats: list[LigneDetailSchema]


class FiltresLignes(Schema):
    programme: str = "pvd"
    departement: str | None = Field(None, max_length=3, description="département de suivi de la convention")
    epci: str | None = Field(None, max_length=9, description="SIREN de l'EPCI de la convention")
    commune: str | None = Field(
        None, max_length=5, description="code INSEE d'une commune concernée par la fiche"
    )
    fiche: int | None = Field(None, description="identifiant de la fiche action")
    financeur: int | None = Field(None, description="identifiant de l'organisation qui finance")
    dispositif: str | None = Field(None, max_length=40, description="code du dispositif (« detr »)")
    statut: StatutLigne | None = Field(None, description="le statut au jour `au`")
    au: Jour | None = None
    limit: int = Field(100, ge=1, le=LIMITE_MAX)
    offset: int = Field(0, ge=0, le=DECALAGE_MAX)


class LigneModification(Schema):
    model_config = ConfigDict(extra="forbid")
    financeur: MaitreOuvrageSaisi | None = Field(
        None,
        description="une commune, un EPCI, une organisation enregistrée, ou une nouvelle (nom, SIREN, nature)",
    )
    dispositif: str | None = Field(None, max_length=40, description="code du dispositif ; null : aucun")
    montant: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    statut: StatutLigne | None = None
    date_demande: Jour | None = None
    date_decision: Jour | None = None
    reference_decision: str | None = Field(None, max_length=200)
    date_versement: Jour | None = None


class LigneCreation(LigneModification):
    fiche: int
    financeur: MaitreOuvrageSaisi
    montant: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
