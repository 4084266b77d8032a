"""API REST de PVD, version 1 : référentiel territorial et résolution de noms.

Décrite en OpenAPI 3.1 (`/api/v1/openapi.json`, documentation interactive sur `/api/v1/docs`). Les erreurs sont en
français : 404 pour un code inconnu, 422 pour un paramètre invalide (avec le champ en cause), jamais de 500.
Pagination bornée (`limit` ≤ 500, `offset` ≤ 100 000).
"""

from typing import Literal

from django.http import HttpRequest
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pvd.territoires import selectors
from pvd.territoires.resolution import obtenir_index

from .pagination import paginer
from .programmes import router as routeur_programmes
from .schemas import Erreur, ErreurValidation
from .schemas.territoires import (
    CommuneDetail,
    EpciDetail,
    FiltresCommunes,
    FiltresEpci,
    PageCommunes,
    PageEpci,
    ResolutionSchema,
)

api = NinjaAPI(
    title="API Petites villes de demain",
    version="1.0.0",
    description=(
        "Référentiel territorial (COG 2026 et son historique), résolution de noms de communes et d'EPCI, "
        "programmes, lauréats et conventions."
    ),
    urls_namespace="api",
)
api.add_router("", routeur_programmes)

MESSAGES_PYDANTIC = {
    "missing": "ce paramètre est obligatoire",
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "string_too_long": "ne doit pas dépasser {max_length} caractères",
    "string_too_short": "doit contenir au moins {min_length} caractère(s)",
    "string_pattern_mismatch": "n'a pas le format attendu",
    "literal_error": "doit valoir l'une des valeurs : {expected}",
    "enum": "doit valoir l'une des valeurs : {expected}",
}


@api.exception_handler(ValidationError)
def erreur_validation(request: HttpRequest, exc: ValidationError):
    erreurs = []
    for e in exc.errors:
        champ = ".".join(str(p) for p in e.get("loc", [])[1:] if p not in {"query", "path"}) or "requête"
        gabarit = MESSAGES_PYDANTIC.get(e.get("type", ""), "valeur invalide")
        try:
            message = gabarit.format(**(e.get("ctx") or {}))
        except (KeyError, IndexError):
            message = "valeur invalide"
        erreurs.append({"champ": champ, "message": message})
    detail = "Paramètres invalides : " + " ; ".join(f"{e['champ']} {e['message']}" for e in erreurs) + "."
    return api.create_response(request, {"detail": detail, "erreurs": erreurs}, status=422)


@api.exception_handler(AuthenticationError)
def erreur_authentification(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Authentification requise : connectez-vous avec un compte d'équipe."}, status=401
    )


@api.exception_handler(HttpError)
def erreur_http(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.get(
    "/communes",
    response={200: PageCommunes, 422: ErreurValidation},
    summary="Communes actuelles",
    tags=["référentiel"],
)
def communes(request, filtres: Query[FiltresCommunes]):
    """Communes du COG 2026, filtrées par département, EPCI (SIREN) ou partie du nom ; triées par code INSEE."""
    qs = selectors.communes_filtrees(
        departement=filtres.departement or "", epci=filtres.epci or "", nom=(filtres.nom or "")[:100]
    )
    return paginer(qs, filtres)


@api.get(
    "/communes/{code}",
    response={200: CommuneDetail, 404: Erreur},
    summary="Une commune",
    tags=["référentiel"],
)
def commune(request, code: str):
    objet = selectors.commune_detail(code[:5])
    if objet is None:
        raise HttpError(404, f"Aucune commune ne porte le code INSEE « {code[:20]} ».")
    return objet


@api.get(
    "/epci", response={200: PageEpci, 422: ErreurValidation}, summary="EPCI actuels", tags=["référentiel"]
)
def epcis(request, filtres: Query[FiltresEpci]):
    """EPCI à fiscalité propre du COG 2026, filtrés par département couvert, nature ou partie du nom."""
    qs = selectors.epcis_filtres(
        departement=filtres.departement or "", nature=filtres.nature or "", nom=(filtres.nom or "")[:100]
    )
    return paginer(qs, filtres)


@api.get("/epci/{siren}", response={200: EpciDetail, 404: Erreur}, summary="Un EPCI", tags=["référentiel"])
def epci(request, siren: str):
    objet = selectors.epci_detail(siren[:20])
    if objet is None:
        raise HttpError(404, f"Aucun EPCI ne porte le SIREN « {siren[:20]} ».")
    objet.membres = list(selectors.epci_membres(objet))
    return objet


@api.get(
    "/resolve",
    response={200: ResolutionSchema, 422: ErreurValidation},
    summary="Résoudre un nom de commune ou d'EPCI",
    tags=["résolution"],
)
def resolve(
    request,
    nom: str = Query(
        ..., max_length=200, description="le nom tel qu'écrit (« Puy l'évêque », « Cauvaldor »)"
    ),
    departement: str = Query("", max_length=3, description="code du département (contexte)"),
    epci: str = Query("", max_length=11, description="SIREN de l'EPCI (contexte)"),
    code_postal: str = Query("", max_length=5, description="code postal (contexte)"),
    type: Literal["commune", "epci", ""] = Query("", description="type attendu ; vide : l'un ou l'autre"),
):
    """Même réponse que `pvd resolve` : résolu (avec la raison), ambigu (les candidats) ou introuvable."""
    resultat = obtenir_index().resoudre(nom, type or None, departement, epci, code_postal)
    return resultat.as_dict()
