"""API REST de PVD, version 1 : référentiel territorial et résolution de noms.

Décrite en OpenAPI 3.1 (`/api/v1/openapi.json`, documentation interactive sur `/api/v1/docs`). Les erreurs sont en
français (`erreurs.py`) : 404 pour un code inconnu, 422 pour un paramètre invalide (avec le champ en cause), jamais de
500.
Pagination bornée (`limit` ≤ 500, `offset` ≤ 100 000).
"""

from typing import Literal

from ninja import NinjaAPI, Query
from ninja.errors import HttpError

from pvd.territoires import selectors
from pvd.territoires.resolution import obtenir_index

from . import rendus
from .actions import router as routeur_actions
from .erreurs import REFUS_COMMUNS, REFUS_DES_ECRITURES, LecteurSain, brancher
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

REF = "#/components/schemas/{model}"
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string"},
    "description": 'l\'ETag reçu avec la convention (sa version, par exemple "3") ; absent : 428 ; illisible : 400 ; périmé : 412',
}


class ApiPvd(NinjaAPI):
    """L'API, dont l'OpenAPI décrit aussi ce que toute opération peut rendre (`erreurs.REFUS_COMMUNS`, et pour une
    écriture `REFUS_DES_ECRITURES`) et l'en-tête `If-Match` que demandent les opérations qui répondent 428."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        composants = schema.setdefault("components", {}).setdefault("schemas", {})
        for modele in (Erreur, ErreurValidation):
            composants.setdefault(modele.__name__, modele.model_json_schema(ref_template=REF))
        for operations in schema["paths"].values():
            for operation in operations.values():
                reponses = operation["responses"]
                refus = REFUS_COMMUNS | (REFUS_DES_ECRITURES if "requestBody" in operation else {})
                for statut, (description, modele) in refus.items():
                    if statut not in {str(s) for s in reponses}:
                        reponses[statut] = {
                            "description": description,
                            "content": {
                                "application/json": {"schema": {"$ref": REF.format(model=modele.__name__)}}
                            },
                        }
                if "428" in {str(s) for s in reponses}:
                    operation.setdefault("parameters", []).append(IF_MATCH)
        return schema


api = ApiPvd(
    title="API Petites villes de demain",
    version="1.0.0",
    description=(
        "Référentiel territorial (COG 2026 et son historique), résolution de noms de communes et d'EPCI, "
        "programmes, lauréats et conventions. Erreurs en français : 400 (requête illisible, caractère de "
        "contrôle), 401, 403, 404, 412, 413, 422 (avec `erreurs`), 428."
    ),
    urls_namespace="api",
    parser=LecteurSain(),
)
brancher(api)
api.add_router("", routeur_programmes)
api.add_router("", routeur_actions)


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
    return rendus.reponse_json(rendus.page_communes(qs, filtres))


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
    return rendus.reponse_json(rendus.page_epci(qs, filtres))


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
