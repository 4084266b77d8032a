"""Schémas du programme : programmes, lauréats, conventions, et ce que l'on reçoit pour les écrire.

Ceux qui dépendent d'une date (le statut d'une convention « au » jour demandé) la lisent dans le contexte de
validation (`ConventionSchema.de`) ; les jalons d'un lauréat aussi (`LaureatSchema.contexte`).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

from pvd.programmes.models import Convention

from . import DECALAGE_MAX, LIMITE_MAX, EpciRef, Jour


class PhaseSchema(Schema):
    nom: str
    date_debut: date
    date_fin: date | None


class RegleSchema(Schema):
    origine: str
    cible: str
    delai_mois: int | None


class ProgrammeSchema(Schema):
    slug: str
    nom: str
    nom_court: str
    date_debut: date
    population_max: int | None
    phases: list[PhaseSchema]
    regles_echeance: list[RegleSchema]


class CommuneRef(Schema):
    insee: str
    nom: str
    departement: str

    @staticmethod
    def resolve_insee(obj) -> str:
        return obj.code

    @staticmethod
    def resolve_departement(obj) -> str:
        return obj.departement_id


class JalonSchema(Schema):
    etape: str
    date: date | None
    echeance: date | None
    etat: str
    retard_jours: int


# Un lauréat et ses jalons déduits, donnés par le contexte : `{"jalons": {pk du lauréat: [Jalon, …]}}`.
# (Pas de docstring : elle deviendrait la description du schéma dans l'OpenAPI publié.)
class LaureatSchema(Schema):
    id: int
    programme: str
    commune: CommuneRef
    epci: EpciRef | None
    departement_suivi: str
    date_selection: date
    precision_selection: str
    identifiant_national: str
    source: str
    date_sortie: date | None
    jalons: list[JalonSchema]

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_epci(obj):
        return obj.commune.epci

    @staticmethod
    def resolve_departement_suivi(obj) -> str:
        return obj.departement_suivi_id

    @staticmethod
    def resolve_jalons(obj, context) -> list:
        return context["jalons"][obj.pk]

    @classmethod
    def contexte(cls, avancements: list) -> dict:
        """Le contexte de validation d'une liste d'avancements (`programmes.jalons.avancements`)."""
        return {"jalons": {a.laureat.pk: a.tous for a in avancements}}


class PageLaureats(Schema):
    total: int
    limit: int
    offset: int
    au: date
    resultats: list[LaureatSchema]


class CommuneConvention(CommuneRef):
    role: str

    @staticmethod
    def resolve_insee(obj) -> str:
        return obj.commune.code

    @staticmethod
    def resolve_nom(obj) -> str:
        return obj.commune.nom

    @staticmethod
    def resolve_departement(obj) -> str:
        return obj.commune.departement_id


class SignataireSchema(Schema):
    partie: str
    organisme: str
    nom: str
    qualite: str
    date_deliberation: date | None = None


def _statut(convention: Convention, context) -> str | None:
    au = (context or {}).get("au")
    return convention.statut_au(au) if au else convention.statut


def _signee(convention: Convention, context) -> bool:
    return _statut(convention, context) in (Convention.Statut.SIGNEE, Convention.Statut.RESILIEE)


# Une convention telle qu'elle est, ou telle qu'elle était au jour `au` du contexte : son statut à ce jour ; sa
# date de signature et ses signataires seulement si elle était alors signée.
class ConventionSchema(Schema):
    id: int
    programme: str
    type: str
    statut: str | None
    date_signature: date | None
    precision_signature: str | None = Field(
        None, description="« exacte », ou « au_plus_tard » : signée ce jour-là ou avant (vide si non signée)"
    )
    date_signature_prevue: date | None
    date_ouverture: date | None
    lieu_signature: str
    duree_annees: int | None
    departement_suivi: str
    epci: EpciRef
    communes: list[CommuneConvention]
    signataires: list[SignataireSchema]
    parent: int | None
    version: int

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.programme.slug

    @staticmethod
    def resolve_statut(obj, context) -> str | None:
        return _statut(obj, context)

    @staticmethod
    def resolve_date_signature(obj, context) -> date | None:
        return obj.date_signature if _signee(obj, context) else None

    @staticmethod
    def resolve_precision_signature(obj, context) -> str | None:
        return obj.precision_signature if _signee(obj, context) else None

    @staticmethod
    def resolve_signataires(obj, context) -> list:
        return list(obj.signataires.all()) if _signee(obj, context) else []

    @staticmethod
    def resolve_departement_suivi(obj) -> str:
        return obj.departement_suivi_id

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @classmethod
    def de(cls, convention: Convention, au: date | None = None) -> ConventionSchema:
        return cls.model_validate(convention, context={"au": au})


class PageConventions(Schema):
    total: int
    limit: int
    offset: int
    au: date
    resultats: list[ConventionSchema]


class FiltresLaureats(Schema):
    programme: str = "pvd"
    departement: str | None = None
    au: Jour | None = None
    limit: int = Field(100, ge=1, le=LIMITE_MAX)
    offset: int = Field(0, ge=0, le=DECALAGE_MAX)


class FiltresConventions(FiltresLaureats):
    type: Literal["adhesion", "cadre_ort", "avenant"] | None = None


class CommuneAjout(Schema):
    model_config = ConfigDict(extra="forbid")
    insee: str = Field(..., max_length=5)
    role: Literal["laureate", "ville_principale", "autre"] = "laureate"


class ConventionCreation(Schema):
    model_config = ConfigDict(extra="forbid")
    programme: str = "pvd"
    type: Literal["adhesion", "cadre_ort", "avenant"]
    epci: str = Field(..., max_length=9, description="SIREN de l'EPCI porteur")
    communes: list[CommuneAjout] = Field(..., min_length=1, max_length=200)
    parent: int | None = None
    intitule: str = Field("", max_length=300)
    date_ouverture: Jour | None = None
    date_signature_prevue: Jour | None = None
    lieu_signature: str = Field("", max_length=200)
    duree_annees: int | None = Field(None, ge=1, le=30)
    exceptions: dict[str, str] = Field(
        default_factory=dict, description="code INSEE → explication de l'exception"
    )


class ConventionModification(Schema):
    model_config = ConfigDict(extra="forbid")
    intitule: str | None = Field(None, max_length=300)
    date_ouverture: Jour | None = None
    date_signature_prevue: Jour | None = None
    lieu_signature: str | None = Field(None, max_length=200)
    duree_annees: int | None = Field(None, ge=1, le=30)


# Un signataire reçu avec une signature : la partie est vérifiée par le service ; les textes, coupés à 200
# caractères comme en base ; les autres clés, ignorées. Un modèle pydantic simple, pas un `Schema` de ninja : ce
# dernier lirait les attributs de n'importe quel objet, et une chaîne passerait pour un signataire vide.
class SignataireSaisi(BaseModel):
    partie: str | None = None
    organisme: str = ""
    nom: str = ""
    qualite: str = ""

    @field_validator("organisme", "nom", "qualite", mode="before")
    @classmethod
    def _texte(cls, valeur) -> str:
        return str(valeur or "")[:200]
