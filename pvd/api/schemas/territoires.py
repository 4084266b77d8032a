"""Schémas du référentiel territorial et de la résolution de noms."""

from typing import Literal

from ninja import Field, Schema

from . import DECALAGE_MAX, LIMITE_MAX, EpciRef


class DepartementRef(Schema):
    code: str
    nom: str


class CommuneResume(Schema):
    code: str
    nom: str
    departement: str
    epci: EpciRef | None
    population: int | None

    @staticmethod
    def resolve_departement(obj) -> str:
        return obj.departement_id


class NomHistorique(Schema):
    nom: str
    code: str
    nature: str
    millesime: int


class CommuneDetail(Schema):
    code: str
    nom: str
    type_liaison: int
    departement: DepartementRef
    region: DepartementRef
    epci: EpciRef | None
    population: int | None
    siren: str
    codes_postaux: list[str]
    latitude: float | None
    longitude: float | None
    obsolete: bool
    remplacee_par: str | None
    anciens_noms: list[NomHistorique]
    alias: list[str]

    @staticmethod
    def resolve_codes_postaux(obj) -> list[str]:
        return obj.liste_codes_postaux

    @staticmethod
    def resolve_remplacee_par(obj) -> str | None:
        return obj.remplacee_par_id

    @staticmethod
    def resolve_anciens_noms(obj) -> list:
        return list(obj.noms_historiques.all())

    @staticmethod
    def resolve_alias(obj) -> list[str]:
        return [a.texte for a in obj.alias.all()]


class EpciResume(Schema):
    siren: str
    nom: str
    nature: str
    population: int | None
    departements: list[str]

    @staticmethod
    def resolve_departements(obj) -> list[str]:
        return [d.code for d in obj.departements.all()]


class EpciNomHistorique(Schema):
    nom: str
    siren: str
    millesime: int


class MembreEpci(Schema):
    code: str
    nom: str
    departement: str
    population: int | None

    @staticmethod
    def resolve_departement(obj) -> str:
        return obj.departement_id


class EpciDetail(EpciResume):
    mode_financement: str
    obsolete: bool
    alias: list[str]
    anciens_noms: list[EpciNomHistorique]
    membres: list[MembreEpci]

    @staticmethod
    def resolve_alias(obj) -> list[str]:
        return [a.texte for a in obj.alias.all()]

    @staticmethod
    def resolve_anciens_noms(obj) -> list:
        return list(obj.noms_historiques.all())


class PageCommunes(Schema):
    total: int
    limit: int
    offset: int
    resultats: list[CommuneResume]


class PageEpci(Schema):
    total: int
    limit: int
    offset: int
    resultats: list[EpciResume]


class CandidatSchema(Schema):
    type: str
    code: str
    nom: str
    departement: str
    score: float
    raison: str
    detail: str
    explication: str
    population: int


class ResolutionSchema(Schema):
    texte: str
    statut: str
    code: str
    type: str | None
    nom_officiel: str | None
    score: float | None
    raison: str | None
    message: str
    candidats: list[CandidatSchema]


class FiltresCommunes(Schema):
    departement: str | None = None
    epci: str | None = None
    nom: str | None = None
    limit: int = Field(100, ge=1, le=LIMITE_MAX, description="nombre de résultats (500 au plus)")
    offset: int = Field(0, ge=0, le=DECALAGE_MAX, description="décalage (100 000 au plus)")


class FiltresEpci(Schema):
    departement: str | None = None
    nature: Literal["CC", "CA", "CU", "METRO", "MET69"] | None = None
    nom: str | None = None
    limit: int = Field(100, ge=1, le=LIMITE_MAX, description="nombre de résultats (500 au plus)")
    offset: int = Field(0, ge=0, le=DECALAGE_MAX, description="décalage (100 000 au plus)")
