"""API du programme : programmes, lauréats, conventions ; les écritures passent par les mêmes services que les pages.

Sans compte, les lectures ne servent que les données publiées par les préfectures (un objet non publié est un 404).

Concurrence : chaque convention porte un `ETag` (sa version). `PATCH` et la signature exigent `If-Match` : absent,
428 ; périmé, 412 avec la version actuelle. Écritures réservées aux comptes d'équipe connectés (session et jeton
CSRF) ; sans session, 401.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError as ErreurMetier
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from pydantic import ConfigDict

from pvd.accounts import perimetres
from pvd.programmes import selectors, services
from pvd.programmes.jalons import avancements
from pvd.programmes.models import Convention, Evenement, Laureat, Programme
from pvd.programmes.selectors import departement_principal
from pvd.territoires.models import Commune, Epci

from .schemas import Erreur, ErreurValidation

router = Router(tags=["programme"])
LIMITE_MAX = 500


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

    @staticmethod
    def resolve_phases(obj) -> list:
        return list(obj.phases.all())

    @staticmethod
    def resolve_regles_echeance(obj) -> list:
        return list(obj.regles_echeance.all())


class CommuneRef(Schema):
    insee: str
    nom: str
    departement: str


class EpciRef(Schema):
    siren: str
    nom: str


class JalonSchema(Schema):
    etape: str
    date: date | None
    echeance: date | None
    etat: str
    retard_jours: int


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


class PageLaureats(Schema):
    total: int
    limit: int
    offset: int
    au: date
    resultats: list[LaureatSchema]


class CommuneConvention(CommuneRef):
    role: str


class SignataireSchema(Schema):
    partie: str
    organisme: str
    nom: str
    qualite: str
    date_deliberation: date | None = None


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


class PageConventions(Schema):
    total: int
    limit: int
    offset: int
    au: date
    resultats: list[ConventionSchema]


class FiltresLaureats(Schema):
    programme: str = "pvd"
    departement: str | None = None
    au: date | None = None
    limit: int = Field(100, ge=1, le=LIMITE_MAX)
    offset: int = Field(0, ge=0, le=100_000)


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
    date_ouverture: date | None = None
    date_signature_prevue: date | None = None
    lieu_signature: str = Field("", max_length=200)
    duree_annees: int | None = Field(None, ge=1, le=30)
    exceptions: dict[str, str] = Field(
        default_factory=dict, description="code INSEE → explication de l'exception"
    )


class ConventionModification(Schema):
    model_config = ConfigDict(extra="forbid")
    intitule: str | None = Field(None, max_length=300)
    date_ouverture: date | None = None
    date_signature_prevue: date | None = None
    lieu_signature: str | None = Field(None, max_length=200)
    duree_annees: int | None = Field(None, ge=1, le=30)


def _au(jour: date | None) -> date:
    return jour or selectors.aujourd_hui()


def _public(request: HttpRequest) -> bool:
    """Sans compte (ou sans rôle), l'API ne sert que les données publiées ; sinon, le périmètre du compte."""
    return not perimetres.lit_le_registre_interne(request.user)


class AuthEcriture(SessionAuth):
    """Écritures : un jeton d'API personnel (`Authorization: Bearer`), ou la session du site avec son jeton CSRF."""

    def __call__(self, request):
        if getattr(request, "jeton_api", False):
            return request.user
        return super().__call__(request)


AUTH_ECRITURE = AuthEcriture()


def _programme(slug: str) -> Programme:
    programme = selectors.programme_par_slug(slug[:50])
    if programme is None:
        raise HttpError(404, f"Aucun programme « {slug[:50]} ».")
    return programme


def _laureat_json(avancement) -> dict:
    laureat = avancement.laureat
    commune = laureat.commune
    return {
        "id": laureat.pk,
        "programme": laureat.programme.slug,
        "commune": {"insee": commune.code, "nom": commune.nom, "departement": commune.departement_id},
        "epci": {"siren": commune.epci.siren, "nom": commune.epci.nom} if commune.epci else None,
        "departement_suivi": laureat.departement_suivi_id,
        "date_selection": laureat.date_selection,
        "precision_selection": laureat.precision_selection,
        "identifiant_national": laureat.identifiant_national,
        "source": laureat.source,
        "date_sortie": laureat.date_sortie,
        "jalons": [
            {
                "etape": j.etape,
                "date": j.date,
                "echeance": j.echeance,
                "etat": j.etat,
                "retard_jours": j.retard_jours,
            }
            for j in avancement.tous
        ],
    }


def convention_json(convention: Convention, au: date | None = None) -> dict:
    statut = convention.statut_au(au) if au else convention.statut
    signee = statut in (Convention.Statut.SIGNEE, Convention.Statut.RESILIEE)
    return {
        "id": convention.pk,
        "programme": convention.programme.slug,
        "type": convention.type,
        "statut": statut,
        "date_signature": convention.date_signature if signee else None,
        "precision_signature": convention.precision_signature if signee else None,
        "date_signature_prevue": convention.date_signature_prevue,
        "date_ouverture": convention.date_ouverture,
        "lieu_signature": convention.lieu_signature,
        "duree_annees": convention.duree_annees,
        "departement_suivi": convention.departement_suivi_id,
        "epci": {"siren": convention.epci.siren, "nom": convention.epci.nom},
        "communes": [
            {
                "insee": lien.commune.code,
                "nom": lien.commune.nom,
                "departement": lien.commune.departement_id,
                "role": lien.role,
            }
            for lien in convention.communes.all()
        ],
        "signataires": [
            {
                "partie": s.partie,
                "organisme": s.organisme,
                "nom": s.nom,
                "qualite": s.qualite,
                "date_deliberation": s.date_deliberation,
            }
            for s in convention.signataires.all()
        ]
        if signee
        else [],
        "parent": convention.parent_id,
        "version": convention.version,
    }


def _version_demandee(request: HttpRequest) -> int:
    entete = request.headers.get("If-Match")
    if not entete:
        raise HttpError(428, "En-tête If-Match obligatoire : renvoyez l'ETag reçu avec la convention.")
    try:
        return int(entete.removeprefix("W/").strip().strip('"'))
    except ValueError as erreur:
        raise HttpError(
            412, "En-tête If-Match illisible : renvoyez l'ETag reçu avec la convention."
        ) from erreur


def _trace(request: HttpRequest) -> services.Trace:
    return services.Trace(auteur=request.user, canal=Evenement.Canal.API)


def _exiger(autorise: bool, message: str = "Cette action sort du périmètre de votre compte.") -> None:
    if not autorise:
        raise HttpError(403, message)


def _erreur_metier(erreur: ErreurMetier) -> HttpError:
    if hasattr(erreur, "error_dict"):
        details = [f"{champ} : {' '.join(msgs)}" for champ, msgs in erreur.message_dict.items()]
    else:
        details = erreur.messages
    return HttpError(422, " ; ".join(details))


def _convention_ou_404(pk: int) -> Convention:
    convention = selectors.convention_detail(pk)
    if convention is None:
        raise HttpError(404, f"Aucune convention n° {pk}.")
    return convention


@router.get("/programmes", response=list[ProgrammeSchema], summary="Programmes")
def programmes(request):
    return list(Programme.objects.prefetch_related("phases", "regles_echeance").order_by("date_debut"))


@router.get("/programmes/{slug}", response={200: ProgrammeSchema, 404: Erreur}, summary="Un programme")
def programme(request, slug: str):
    return _programme(slug)


@router.get("/laureats", response={200: PageLaureats, 404: Erreur, 422: ErreurValidation}, summary="Lauréats")
def laureats(request, filtres: Query[FiltresLaureats]):
    """Les lauréats à une date (`au`), filtrés par département de suivi, avec leurs jalons déduits."""
    programme = _programme(filtres.programme)
    au = _au(filtres.au)
    public = _public(request)
    qs = selectors.laureats(
        programme, au, departement=(filtres.departement or "").upper(), utilisateur=request.user
    )
    total = qs.count()
    page = list(qs[filtres.offset : filtres.offset + filtres.limit])
    resultats = [_laureat_json(a) for a in avancements(programme, page, au, publiques=public)]
    return {
        "total": total,
        "limit": filtres.limit,
        "offset": filtres.offset,
        "au": au,
        "resultats": resultats,
    }


@router.get("/laureats/{pk}", response={200: LaureatSchema, 404: Erreur}, summary="Un lauréat")
def laureat(request, pk: int, au: date | None = None):
    public = _public(request)
    objet = Laureat.objects.select_related("programme", "commune", "commune__epci").filter(pk=pk).first()
    if (
        objet is None
        or not perimetres.laureats_visibles(request.user, Laureat.objects.filter(pk=pk)).exists()
    ):
        raise HttpError(404, f"Aucun lauréat n° {pk}.")
    return _laureat_json(avancements(objet.programme, [objet], _au(au), publiques=public)[0])


@router.get(
    "/conventions", response={200: PageConventions, 404: Erreur, 422: ErreurValidation}, summary="Conventions"
)
def conventions(request, filtres: Query[FiltresConventions]):
    """Les conventions existant à une date (`au`), avec leur statut à cette date."""
    programme = _programme(filtres.programme)
    au = _au(filtres.au)
    qs = selectors.conventions(
        programme,
        au,
        departement=(filtres.departement or "").upper(),
        type=filtres.type or "",
        utilisateur=request.user,
    )
    total = qs.count()
    page = qs[filtres.offset : filtres.offset + filtres.limit]
    resultats = [convention_json(c, au) for c in page]
    return {
        "total": total,
        "limit": filtres.limit,
        "offset": filtres.offset,
        "au": au,
        "resultats": resultats,
    }


@router.get("/conventions/{pk}", response={200: ConventionSchema, 404: Erreur}, summary="Une convention")
def convention(request, pk: int, response: HttpResponse, au: date | None = None):
    objet = _convention_ou_404(pk)
    if not perimetres.conventions_visibles(request.user, Convention.objects.filter(pk=pk)).exists():
        raise HttpError(404, f"Aucune convention n° {pk}.")
    response["ETag"] = f'"{objet.version}"'
    return convention_json(objet, au)


@router.post(
    "/conventions",
    auth=AUTH_ECRITURE,
    response={201: ConventionSchema, 401: Erreur, 403: Erreur, 404: Erreur, 422: ErreurValidation},
    summary="Créer une convention",
)
def convention_creer(request, donnees: ConventionCreation, response: HttpResponse):
    trace = _trace(request)
    _exiger(
        perimetres.lit_le_registre_interne(request.user), "Votre compte n'a pas de rôle dans le programme."
    )
    programme = _programme(donnees.programme)
    epci = Epci.objects.filter(siren=donnees.epci).first()
    if epci is None:
        raise HttpError(422, f"epci : aucun EPCI ne porte le SIREN « {donnees.epci} ».")
    _exiger(
        perimetres.peut_ecrire_departement(request.user, departement_principal(epci).code),
        f"{epci.nom} est suivi par une autre préfecture que la vôtre.",
    )
    communes = []
    for c in donnees.communes:
        commune = Commune.objects.filter(code=c.insee.upper()).first()
        if commune is None:
            raise HttpError(422, f"communes : aucune commune ne porte le code INSEE « {c.insee} ».")
        communes.append((commune, c.role))
    parent = None
    if donnees.parent is not None:
        parent = Convention.objects.filter(pk=donnees.parent).first()
        if parent is None:
            raise HttpError(422, f"parent : aucune convention n° {donnees.parent}.")
    try:
        objet = services.convention_create(
            programme=programme,
            type=donnees.type,
            epci=epci,
            communes=communes,
            parent=parent,
            intitule=donnees.intitule,
            date_ouverture=donnees.date_ouverture,
            date_signature_prevue=donnees.date_signature_prevue,
            lieu_signature=donnees.lieu_signature,
            duree_annees=donnees.duree_annees,
            exceptions=donnees.exceptions,
            trace=trace,
        )
    except ErreurMetier as erreur:
        raise _erreur_metier(erreur) from erreur
    objet = _convention_ou_404(objet.pk)
    response["ETag"] = f'"{objet.version}"'
    return Status(201, convention_json(objet))


@router.patch(
    "/conventions/{pk}",
    auth=AUTH_ECRITURE,
    response={
        200: ConventionSchema,
        401: Erreur,
        403: Erreur,
        404: Erreur,
        412: ConventionSchema,
        422: ErreurValidation,
        428: Erreur,
    },
    summary="Modifier une convention (If-Match obligatoire)",
)
def convention_modifier(request, pk: int, donnees: ConventionModification, response: HttpResponse):
    trace = _trace(request)
    objet = _convention_ou_404(pk)
    _exiger(perimetres.peut_modifier_convention(request.user, objet))
    version = _version_demandee(request)
    champs = donnees.model_dump(exclude_unset=True)
    try:
        services.convention_update(convention=objet, version=version, champs=champs, trace=trace)
    except services.ConflitDeVersion:
        actuelle = _convention_ou_404(pk)
        response["ETag"] = f'"{actuelle.version}"'
        return Status(412, convention_json(actuelle))
    except ErreurMetier as erreur:
        raise _erreur_metier(erreur) from erreur
    objet = _convention_ou_404(pk)
    response["ETag"] = f'"{objet.version}"'
    return Status(200, convention_json(objet))


@router.post(
    "/conventions/{pk}/signature",
    auth=AUTH_ECRITURE,
    response={
        200: ConventionSchema,
        401: Erreur,
        403: Erreur,
        404: Erreur,
        412: ConventionSchema,
        422: ErreurValidation,
        428: Erreur,
    },
    summary="Enregistrer la signature d'une convention (If-Match obligatoire)",
)
def convention_signer(
    request,
    pk: int,
    response: HttpResponse,
    date_signature: date = Form(...),
    signataires: str = Form(
        ..., description='liste JSON : [{"partie": "etat", "nom": "…", "qualite": "préfet du Lot"}]'
    ),
    lieu_signature: str | None = Form(None, max_length=200),
    document: UploadedFile | None = File(None),
):
    trace = _trace(request)
    objet = _convention_ou_404(pk)
    _exiger(perimetres.peut_modifier_convention(request.user, objet))
    version = _version_demandee(request)
    try:
        liste = json.loads(signataires)
        assert isinstance(liste, list) and all(isinstance(s, dict) for s in liste)
    except (ValueError, AssertionError) as erreur:
        raise HttpError(422, "signataires : une liste JSON d'objets est attendue.") from erreur
    propres = [
        {
            "partie": s.get("partie"),
            "organisme": str(s.get("organisme") or "")[:200],
            "nom": str(s.get("nom") or "")[:200],
            "qualite": str(s.get("qualite") or "")[:200],
        }
        for s in liste
    ]
    try:
        services.convention_sign(
            convention=objet,
            version=version,
            date_signature=date_signature,
            signataires=propres,
            lieu_signature=lieu_signature,
            document=document,
            trace=trace,
        )
    except services.ConflitDeVersion:
        actuelle = _convention_ou_404(pk)
        response["ETag"] = f'"{actuelle.version}"'
        return Status(412, convention_json(actuelle))
    except ErreurMetier as erreur:
        raise _erreur_metier(erreur) from erreur
    objet = _convention_ou_404(pk)
    response["ETag"] = f'"{objet.version}"'
    return Status(200, convention_json(objet))
