"""Schémas de l'API (pydantic, partagés avec la documentation OpenAPI)."""

from ninja import Schema


class Erreur(Schema):
    detail: str


class ErreurChamp(Schema):
    champ: str
    message: str


class ErreurValidation(Schema):
    detail: str
    erreurs: list[ErreurChamp]


class DepartementRef(Schema):
    code: str
    nom: str


class EpciRef(Schema):
    siren: str
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
