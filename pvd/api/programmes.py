"""API du programme : programmes, lauréats, conventions ; les écritures passent par les mêmes services que les pages.

Sans compte, les lectures ne servent que les données publiées par les préfectures (un objet non publié est un 404).

Concurrence : chaque convention porte un `ETag` (sa version). `PATCH` et la signature exigent `If-Match` (déclaré
dans l'OpenAPI) : absent, 428 ; illisible, 400 ; périmé, 412 avec la version actuelle. Écritures réservées aux comptes
d'équipe (jeton d'API, ou session et jeton CSRF) ; sans compte, 401. Les liens OpenAPI (`LIENS_CONVENTION`) disent
qu'une convention créée ou lue se modifie avec son `id` et son `ETag`.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as ErreurMetier
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import TypeAdapter
from pydantic import ValidationError as ErreurSchema

from pvd.accounts import perimetres
from pvd.programmes import selectors, services
from pvd.programmes.jalons import avancements
from pvd.programmes.models import Convention, Laureat, Programme
from pvd.programmes.selectors import departement_principal
from pvd.territoires.models import Commune, Epci

from . import communs, rendus
from .auth import AUTH_ECRITURE
from .erreurs import ErreurSaisie
from .schemas import Erreur, ErreurValidation, Jour
from .schemas.programmes import (
    ConventionCreation,
    ConventionModification,
    ConventionSchema,
    FiltresConventions,
    FiltresLaureats,
    LaureatSchema,
    PageConventions,
    PageLaureats,
    ProgrammeSchema,
    SignataireSaisi,
)

router = Router(tags=["programme"])
# Une écriture sous verrou de version (If-Match) : la convention à jour, ou la version actuelle (412).
REPONSES_ECRITURE_VERSIONNEE = {
    200: ConventionSchema,
    400: Erreur,
    401: Erreur,
    403: Erreur,
    404: Erreur,
    412: ConventionSchema,
    422: ErreurValidation,
    428: Erreur,
}

# Une convention rendue (créée, lue, modifiée, signée) se relit et s'écrit avec son `id` et son `ETag`.
_ID_ET_VERSION = {"pk": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
LIENS_CONVENTION = {
    "Lire": {"operationId": "convention", "parameters": {"pk": "$response.body#/id"}},
    "Modifier": {"operationId": "convention_modifier", "parameters": _ID_ET_VERSION},
    "Signer": {"operationId": "convention_signer", "parameters": _ID_ET_VERSION},
}


def _au(jour: date | None) -> date:
    return jour or selectors.aujourd_hui()


SIGNATAIRES = TypeAdapter(list[SignataireSaisi])


def _exiger(autorise: bool, message: str = "Cette action sort du périmètre de votre compte.") -> None:
    if not autorise:
        raise HttpError(403, message)


def _convention_ou_404(pk: int, request: HttpRequest | None = None) -> Convention:
    """La convention ; avec `request`, seulement si le compte la lit : hors de son périmètre de lecture, la même
    réponse que si elle n'existait pas (404), pour une lecture comme pour une écriture."""
    convention = selectors.convention_detail(pk)
    if convention is None or (
        request is not None
        and not perimetres.conventions_visibles(request.user, Convention.objects.filter(pk=pk)).exists()
    ):
        raise HttpError(404, f"Aucune convention n° {pk}.")
    return convention


def _convention_rendue(pk: int, response: HttpResponse, statut: int) -> Status:
    """La convention telle qu'elle est maintenant, avec sa version pour ETag."""
    objet = _convention_ou_404(pk)
    response["ETag"] = f'"{objet.version}"'
    return Status(statut, ConventionSchema.de(objet))


def _ecrire_version(pk: int, response: HttpResponse, ecriture) -> Status:
    """Une écriture sous verrou de version : 200 et la convention à jour ; 412 et la version actuelle si quelqu'un
    a écrit entre-temps ; 422 si une règle refuse."""
    try:
        ecriture()
    except services.ConflitDeVersion:
        return _convention_rendue(pk, response, 412)
    except ErreurMetier as erreur:
        raise communs.erreur_metier(erreur) from erreur
    return _convention_rendue(pk, response, 200)


@router.get("/programmes", response=list[ProgrammeSchema], summary="Programmes")
def programmes(request):
    return list(Programme.objects.prefetch_related("phases", "regles_echeance").order_by("date_debut"))


@router.get("/programmes/{slug}", response={200: ProgrammeSchema, 404: Erreur}, summary="Un programme")
def programme(request, slug: str):
    return communs.programme(slug)


@router.get("/laureats", response={200: PageLaureats, 404: Erreur, 422: ErreurValidation}, summary="Lauréats")
def laureats(request, filtres: Query[FiltresLaureats]):
    """Les lauréats à une date (`au`), filtrés par département de suivi, avec leurs jalons déduits."""
    programme = communs.programme(filtres.programme)
    au = _au(filtres.au)
    public = communs.public(request)
    qs = selectors.laureats(
        programme, au, departement=(filtres.departement or "").upper(), utilisateur=request.user
    )
    # Écrite directement en JSON (`rendus`) : le contenu que décrit `PageLaureats`, sans passer par ses résolveurs.
    return rendus.reponse_json(rendus.page_laureats(qs, filtres, programme, au, publiques=public))


@router.get(
    "/laureats/{pk}", response={200: LaureatSchema, 404: Erreur, 422: ErreurValidation}, summary="Un lauréat"
)
def laureat(request, pk: int, au: Jour | None = None):
    public = communs.public(request)
    objet = Laureat.objects.select_related("programme", "commune", "commune__epci").filter(pk=pk).first()
    if (
        objet is None
        or not perimetres.laureats_visibles(request.user, Laureat.objects.filter(pk=pk)).exists()
    ):
        raise HttpError(404, f"Aucun lauréat n° {pk}.")
    suivis = avancements(objet.programme, [objet], _au(au), publiques=public)
    return LaureatSchema.model_validate(objet, context=LaureatSchema.contexte(suivis))


@router.get(
    "/conventions", response={200: PageConventions, 404: Erreur, 422: ErreurValidation}, summary="Conventions"
)
def conventions(request, filtres: Query[FiltresConventions]):
    """Les conventions existant à une date (`au`), avec leur statut à cette date."""
    programme = communs.programme(filtres.programme)
    au = _au(filtres.au)
    qs = selectors.conventions(
        programme,
        au,
        departement=(filtres.departement or "").upper(),
        type=filtres.type or "",
        utilisateur=request.user,
    )
    return rendus.reponse_json(rendus.page_conventions(qs, filtres, programme, au))


@router.get(
    "/conventions/{pk}",
    response={200: ConventionSchema, 404: Erreur, 422: ErreurValidation},
    summary="Une convention",
    operation_id="convention",
    openapi_extra={"responses": {200: {"links": LIENS_CONVENTION}}},
)
def convention(request, pk: int, response: HttpResponse, au: Jour | None = None):
    objet = _convention_ou_404(pk, request)
    response["ETag"] = f'"{objet.version}"'
    return ConventionSchema.de(objet, au)


@router.post(
    "/conventions",
    auth=AUTH_ECRITURE,
    response={201: ConventionSchema, 401: Erreur, 403: Erreur, 404: Erreur, 422: ErreurValidation},
    summary="Créer une convention",
    operation_id="convention_creer",
    openapi_extra={"responses": {201: {"links": LIENS_CONVENTION}}},
)
def convention_creer(request, donnees: ConventionCreation, response: HttpResponse):
    trace = communs.trace(request)
    _exiger(
        perimetres.lit_le_registre_interne(request.user), "Votre compte n'a pas de rôle dans le programme."
    )
    programme = communs.programme(donnees.programme)
    epci = Epci.objects.filter(siren=donnees.epci).first()
    if epci is None:
        raise ErreurSaisie("epci", f"aucun EPCI ne porte le SIREN « {donnees.epci} ».")
    _exiger(
        perimetres.peut_ecrire_departement(request.user, departement_principal(epci).code),
        f"{epci.nom} est suivi par une autre préfecture que la vôtre.",
    )
    communes = []
    for c in donnees.communes:
        commune = Commune.objects.filter(code=c.insee.upper()).first()
        if commune is None:
            raise ErreurSaisie("communes", f"aucune commune ne porte le code INSEE « {c.insee} ».")
        communes.append((commune, c.role))
    parent = None
    if donnees.parent is not None:
        # Hors du périmètre de lecture, la convention « n'existe pas » : même réponse que si elle n'existait pas.
        parent = perimetres.conventions_visibles(
            request.user, Convention.objects.filter(pk=donnees.parent)
        ).first()
        if parent is None:
            raise ErreurSaisie("parent", f"aucune convention n° {donnees.parent}.")
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
        raise communs.erreur_metier(erreur) from erreur
    return _convention_rendue(objet.pk, response, 201)


@router.patch(
    "/conventions/{pk}",
    auth=AUTH_ECRITURE,
    response=REPONSES_ECRITURE_VERSIONNEE,
    summary="Modifier une convention (If-Match obligatoire)",
    operation_id="convention_modifier",
    openapi_extra={"responses": {200: {"links": LIENS_CONVENTION}}},
)
def convention_modifier(request, pk: int, donnees: ConventionModification, response: HttpResponse):
    trace = communs.trace(request)
    objet = _convention_ou_404(pk, request)
    _exiger(perimetres.peut_modifier_convention(request.user, objet))
    version = communs.version_demandee(request, "la convention")
    champs = donnees.model_dump(exclude_unset=True)
    return _ecrire_version(
        pk,
        response,
        lambda: services.convention_update(convention=objet, version=version, champs=champs, trace=trace),
    )


@router.post(
    "/conventions/{pk}/signature",
    auth=AUTH_ECRITURE,
    response=REPONSES_ECRITURE_VERSIONNEE,
    summary="Enregistrer la signature d'une convention (If-Match obligatoire)",
    operation_id="convention_signer",
    openapi_extra={"responses": {200: {"links": LIENS_CONVENTION}}},
)
def convention_signer(
    request,
    pk: int,
    response: HttpResponse,
    date_signature: Jour = Form(...),
    signataires: str = Form(
        ..., description='liste JSON : [{"partie": "etat", "nom": "…", "qualite": "préfet du Lot"}]'
    ),
    lieu_signature: str | None = Form(None, max_length=200),
    document: UploadedFile | None = File(None),
):
    trace = communs.trace(request)
    objet = _convention_ou_404(pk, request)
    _exiger(perimetres.peut_modifier_convention(request.user, objet))
    version = communs.version_demandee(request, "la convention")
    try:
        propres = [s.model_dump() for s in SIGNATAIRES.validate_json(signataires)]
    except ErreurSchema as erreur:
        raise ErreurSaisie("signataires", "une liste JSON d'objets est attendue.") from erreur
    return _ecrire_version(
        pk,
        response,
        lambda: services.convention_sign(
            convention=objet,
            version=version,
            date_signature=date_signature,
            signataires=propres,
            lieu_signature=lieu_signature,
            document=document,
            trace=trace,
        ),
    )
