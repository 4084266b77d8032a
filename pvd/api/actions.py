"""API du plan d'action : fiches actions et lignes de financement (liste filtrée, détail, création, modification sous
`If-Match`), par les mêmes services et les mêmes droits (`accounts.perimetres`) que les pages.

Sans compte : les fiches des conventions publiées, sans les lignes encore envisagées. Chaque fiche et chaque ligne
porte un `ETag` (sa version) ; `PATCH` exige `If-Match` : absent, 428 ; illisible, 400 ; périmé, 412 avec l'objet
actuel. Les filtres par état (fiches) et par statut (lignes) lisent l'état à la date `au` dans la base.

Une ligne : le chef de projet du territoire l'ajoute et la modifie ; le partenaire qui la finance l'ajoute et la met
à jour ; la préfecture de suivi enregistre la décision des subventions de l'État qu'elle décide (DETR, DSIL, FNADT,
Fonds vert).
Les liens OpenAPI (`LIENS_FICHE`, `LIENS_LIGNE`) disent qu'un objet créé ou lu se modifie avec son `id` et son `ETag`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as ErreurMetier
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.errors import HttpError

from pvd.accounts import perimetres
from pvd.actions import selectors, services
from pvd.actions.models import Dispositif, FicheAction, LigneFinancement, Organisation
from pvd.programmes import selectors as registre
from pvd.programmes.models import Convention
from pvd.territoires.models import Commune, Epci

from . import communs, rendus
from .auth import AUTH_ECRITURE
from .erreurs import ErreurSaisie
from .pagination import paginer
from .schemas import Erreur, ErreurValidation, Jour
from .schemas.actions import (
    FicheCreation,
    FicheModification,
    FicheSchema,
    FiltresFiches,
    FiltresLignes,
    LigneCreation,
    LigneDetailSchema,
    LigneModification,
    MaitreOuvrageSaisi,
    PageFiches,
    PageLignes,
)

router = Router(tags=["plan d'action"])
_ID_ET_VERSION = {"pk": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
LIENS_FICHE = {
    "Lire": {"operationId": "fiche", "parameters": {"pk": "$response.body#/id"}},
    "Modifier": {"operationId": "fiche_modifier", "parameters": _ID_ET_VERSION},
}
LIENS_LIGNE = {
    "Lire": {"operationId": "ligne", "parameters": {"pk": "$response.body#/id"}},
    "Modifier": {"operationId": "ligne_modifier", "parameters": _ID_ET_VERSION},
}


def _fiche_visible(request: HttpRequest, pk: int) -> FicheAction:
    fiche = selectors.fiche_detail(pk)
    if (
        fiche is None
        or not perimetres.fiches_visibles(request.user, FicheAction.objects.filter(pk=pk)).exists()
    ):
        raise HttpError(404, f"Aucune fiche action n° {pk}.")
    return fiche


def _rendue(request: HttpRequest, pk: int, response: HttpResponse, statut: int) -> Status:
    fiche = selectors.fiche_detail(pk)
    response["ETag"] = f'"{fiche.version}"'
    return Status(statut, FicheSchema.de(fiche, registre.aujourd_hui(), communs.public(request)))


def _maitre_ouvrage(saisi: MaitreOuvrageSaisi, champ: str = "maitre_ouvrage"):
    """Ce que désigne la saisie (lu sans écrire) : une commune, un EPCI, une organisation ou une nouvelle."""
    if saisi.insee:
        commune = Commune.objects.filter(code=saisi.insee.upper()).first()
        if commune is None:
            raise ErreurSaisie(champ, f"aucune commune ne porte le code INSEE « {saisi.insee} ».")
        return commune
    if saisi.epci:
        epci = Epci.objects.filter(siren=saisi.epci).first()
        if epci is None:
            raise ErreurSaisie(champ, f"aucun EPCI ne porte le SIREN « {saisi.epci} ».")
        return epci
    if saisi.organisation is not None:
        organisation = Organisation.objects.filter(pk=saisi.organisation).first()
        if organisation is None:
            raise ErreurSaisie(champ, f"aucune organisation n° {saisi.organisation}.")
        return organisation
    return {"nom": saisi.nom, "siren": saisi.siren, "nature": saisi.nature}


def _champs(donnees: FicheModification, programme_id: int) -> tuple[dict, list | None]:
    champs = donnees.model_dump(
        exclude_unset=True, exclude={"maitre_ouvrage", "communes", "convention", "avenant"}
    )
    if "axe" in champs:
        axe = selectors.axes_du_programme(programme_id).filter(code=champs["axe"]).first()
        if axe is None:
            raise ErreurSaisie("axe", f"aucun axe « {champs['axe']} » pour ce programme.")
        champs["axe"] = axe
    if donnees.maitre_ouvrage is not None:
        champs["maitre_ouvrage"] = _maitre_ouvrage(donnees.maitre_ouvrage)
    communes = None
    if donnees.communes is not None:
        communes = list(Commune.objects.filter(code__in=[c.upper() for c in donnees.communes]))
        if len(communes) != len(set(donnees.communes)):
            raise ErreurSaisie("communes", "un des codes INSEE est inconnu.")
    return champs, communes


@router.get(
    "/fiches-actions",
    response={200: PageFiches, 404: Erreur, 422: ErreurValidation},
    summary="Fiches actions",
)
def fiches(request, filtres: Query[FiltresFiches]):
    programme = communs.programme(filtres.programme)
    au = filtres.au or registre.aujourd_hui()
    qs = FicheAction.objects.filter(convention__programme=programme).existantes_au(au)
    qs = perimetres.fiches_visibles(request.user, qs)
    for champ, valeur in (
        ("convention__departement_suivi_id", filtres.departement and filtres.departement.upper()),
        ("convention__epci_id", filtres.epci),
        ("communes__code", filtres.commune),
        ("convention_id", filtres.convention),
        ("axe__code", filtres.axe),
        ("lignes__financeur_id", filtres.financeur),
        ("lignes__dispositif__code", filtres.dispositif),
    ):
        if valeur is not None:
            qs = qs.filter(**{champ: valeur})
    if filtres.etat:
        # L'état à la date : le dernier changement d'état d'alors, lu par une sous-requête.
        qs = qs.avec_etat_au(au).filter(etat_au_jour=filtres.etat)
    qs = selectors.fiches(qs.distinct()).order_by("convention_id", "numero", "pk")
    # Écrite directement en JSON (`rendus`) : le contenu que décrit `PageFiches`, sans passer par ses résolveurs.
    return rendus.reponse_json(rendus.page_fiches(qs, filtres, au, communs.public(request)))


@router.get(
    "/fiches-actions/{pk}",
    response={200: FicheSchema, 404: Erreur, 422: ErreurValidation},
    summary="Une fiche action",
    operation_id="fiche",
    openapi_extra={"responses": {200: {"links": LIENS_FICHE}}},
)
def fiche(request, pk: int, response: HttpResponse, au: Jour | None = None):
    objet = _fiche_visible(request, pk)
    response["ETag"] = f'"{objet.version}"'
    return FicheSchema.de(objet, au or registre.aujourd_hui(), communs.public(request))


@router.post(
    "/fiches-actions",
    auth=AUTH_ECRITURE,
    response={201: FicheSchema, 401: Erreur, 403: Erreur, 404: Erreur, 422: ErreurValidation},
    summary="Créer une fiche action",
    operation_id="fiche_creer",
    openapi_extra={"responses": {201: {"links": LIENS_FICHE}}},
)
def fiche_creer(request, donnees: FicheCreation, response: HttpResponse):
    convention = registre.convention_detail(donnees.convention)
    if (
        convention is None
        or not perimetres.conventions_visibles(
            request.user, Convention.objects.filter(pk=donnees.convention)
        ).exists()
    ):
        raise HttpError(404, f"Aucune convention n° {donnees.convention}.")
    if not perimetres.peut_ecrire_plan(request.user, convention):
        raise HttpError(403, "Le plan d'action s'écrit par le chef de projet de son territoire.")
    champs, communes = _champs(donnees, convention.programme_id)
    avenant = None
    if donnees.avenant is not None:
        avenant = Convention.objects.filter(pk=donnees.avenant).first()
        if avenant is None:
            raise ErreurSaisie("avenant", f"aucune convention n° {donnees.avenant}.")
    try:
        objet = services.fiche_create(
            convention=convention, avenant=avenant, communes=communes, trace=communs.trace(request), **champs
        )
    except ErreurMetier as erreur:
        raise communs.erreur_metier(erreur) from erreur
    return _rendue(request, objet.pk, response, 201)


@router.patch(
    "/fiches-actions/{pk}",
    auth=AUTH_ECRITURE,
    response={
        200: FicheSchema,
        400: Erreur,
        401: Erreur,
        403: Erreur,
        404: Erreur,
        412: FicheSchema,
        422: ErreurValidation,
        428: Erreur,
    },
    summary="Modifier une fiche action (If-Match obligatoire)",
    operation_id="fiche_modifier",
    openapi_extra={"responses": {200: {"links": LIENS_FICHE}}},
)
def fiche_modifier(request, pk: int, donnees: FicheModification, response: HttpResponse):
    objet = _fiche_visible(request, pk)
    if not perimetres.peut_ecrire_plan(request.user, objet.convention):
        raise HttpError(403, "Le plan d'action s'écrit par le chef de projet de son territoire.")
    version = communs.version_demandee(request, "la fiche action")
    champs, communes = _champs(donnees, objet.convention.programme_id)
    try:
        services.fiche_update(
            fiche=objet, version=version, champs=champs, communes=communes, trace=communs.trace(request)
        )
    except services.ConflitDeVersion:
        return _rendue(request, pk, response, 412)
    except ErreurMetier as erreur:
        raise communs.erreur_metier(erreur) from erreur
    return _rendue(request, pk, response, 200)


# Lignes de financement -------------------------------------------------------------------------------------------


def _ligne_visible(request: HttpRequest, pk: int, au) -> LigneFinancement:
    """La ligne, si le compte la lit à la date `au` (le public : publiée et plus « envisagée ») ; sinon 404."""
    ligne = selectors.ligne_detail(pk)
    if (
        ligne is None
        or not perimetres.lignes_visibles(request.user, LigneFinancement.objects.filter(pk=pk), au).exists()
    ):
        raise HttpError(404, f"Aucune ligne de financement n° {pk}.")
    return ligne


def _ligne_rendue(pk: int, response: HttpResponse, statut: int) -> Status:
    ligne = selectors.ligne_detail(pk)
    response["ETag"] = f'"{ligne.version}"'
    return Status(statut, LigneDetailSchema.de(ligne, registre.aujourd_hui()))


def _valeurs_ligne(donnees: LigneModification) -> dict:
    """Les champs saisis, désignations résolues (lues sans écrire) : financeur, dispositif par son code."""
    valeurs = donnees.model_dump(exclude_unset=True, exclude={"fiche", "financeur"})
    if "financeur" in donnees.model_fields_set:
        valeurs["financeur"] = (
            None if donnees.financeur is None else _maitre_ouvrage(donnees.financeur, "financeur")
        )
    if valeurs.get("dispositif") is not None:
        code = valeurs["dispositif"]
        valeurs["dispositif"] = Dispositif.objects.filter(code=code).select_related("financeur").first()
        if valeurs["dispositif"] is None:
            raise ErreurSaisie("dispositif", f"aucun dispositif « {code} ».")
    return valeurs


@router.get(
    "/lignes-financement",
    response={200: PageLignes, 404: Erreur, 422: ErreurValidation},
    summary="Lignes de financement",
    operation_id="lignes",
)
def lignes(request, filtres: Query[FiltresLignes]):
    """Les lignes qui existaient à la date `au`, avec leur statut d'alors ; sans compte, celles des conventions
    publiées qui n'étaient plus « envisagées »."""
    programme = communs.programme(filtres.programme)
    au = filtres.au or registre.aujourd_hui()
    qs = LigneFinancement.objects.filter(fiche__convention__programme=programme).existantes_au(au)
    qs = perimetres.lignes_visibles(request.user, qs, au)
    for champ, valeur in (
        ("fiche__convention__departement_suivi_id", filtres.departement and filtres.departement.upper()),
        ("fiche__convention__epci_id", filtres.epci),
        ("fiche_id", filtres.fiche),
        ("financeur_id", filtres.financeur),
        ("dispositif__code", filtres.dispositif),
    ):
        if valeur is not None:
            qs = qs.filter(**{champ: valeur})
    if filtres.commune is not None:
        qs = qs.filter(
            fiche__in=FicheAction.objects.filter(communes__code=filtres.commune.upper()).values("pk")
        )
    if filtres.statut:
        qs = qs.avec_statut_au(au).filter(statut_au_jour=filtres.statut)
    qs = qs.select_related("financeur", "dispositif", "fiche").order_by(
        "fiche__convention_id", "fiche__numero", "pk"
    )
    return PageLignes.model_validate(paginer(qs, filtres, au=au), context={"au": au})


@router.get(
    "/lignes-financement/{pk}",
    response={200: LigneDetailSchema, 404: Erreur, 422: ErreurValidation},
    summary="Une ligne de financement",
    operation_id="ligne",
    openapi_extra={"responses": {200: {"links": LIENS_LIGNE}}},
)
def ligne(request, pk: int, response: HttpResponse, au: Jour | None = None):
    jour = au or registre.aujourd_hui()
    objet = _ligne_visible(request, pk, jour)
    response["ETag"] = f'"{objet.version}"'
    return LigneDetailSchema.de(objet, jour)


@router.post(
    "/lignes-financement",
    auth=AUTH_ECRITURE,
    response={201: LigneDetailSchema, 401: Erreur, 403: Erreur, 404: Erreur, 422: ErreurValidation},
    summary="Ajouter une ligne de financement à une fiche action",
    operation_id="ligne_creer",
    openapi_extra={"responses": {201: {"links": LIENS_LIGNE}}},
)
def ligne_creer(request, donnees: LigneCreation, response: HttpResponse):
    fiche = _fiche_visible(request, donnees.fiche)
    valeurs = _valeurs_ligne(donnees)
    refus = perimetres.refus_ecriture_ligne(request.user, fiche, valeurs)
    if refus:
        raise HttpError(403, refus)
    try:
        objet = services.ligne_create(fiche=fiche, trace=communs.trace(request), **valeurs)
    except ErreurMetier as erreur:
        raise communs.erreur_metier(erreur) from erreur
    return _ligne_rendue(objet.pk, response, 201)


@router.patch(
    "/lignes-financement/{pk}",
    auth=AUTH_ECRITURE,
    response={
        200: LigneDetailSchema,
        400: Erreur,
        401: Erreur,
        403: Erreur,
        404: Erreur,
        412: LigneDetailSchema,
        422: ErreurValidation,
        428: Erreur,
    },
    summary="Modifier une ligne de financement, ou enregistrer sa décision (If-Match obligatoire)",
    operation_id="ligne_modifier",
    openapi_extra={"responses": {200: {"links": LIENS_LIGNE}}},
)
def ligne_modifier(request, pk: int, donnees: LigneModification, response: HttpResponse):
    objet = _ligne_visible(request, pk, registre.aujourd_hui())
    if not (
        perimetres.peut_modifier_ligne(request.user, objet)
        or perimetres.peut_decider_ligne(request.user, objet)
    ):
        raise HttpError(403, "Votre compte ne permet pas de modifier cette ligne de financement.")
    version = communs.version_demandee(request, "la ligne de financement")
    valeurs = _valeurs_ligne(donnees)
    refus = perimetres.refus_ecriture_ligne(request.user, objet.fiche, valeurs, ligne=objet)
    if refus:
        raise HttpError(403, refus)
    try:
        services.ligne_update(ligne=objet, version=version, champs=valeurs, trace=communs.trace(request))
    except services.ConflitDeVersion:
        return _ligne_rendue(pk, response, 412)
    except ErreurMetier as erreur:
        raise communs.erreur_metier(erreur) from erreur
    return _ligne_rendue(pk, response, 200)
