"""API du plan d'action : fiches actions (liste filtrée, détail, création, modification sous `If-Match`), par les
mêmes services et les mêmes droits que les pages.

Sans compte : les fiches des conventions publiées, sans les lignes encore envisagées. Chaque fiche porte un `ETag`
(sa version) ; `PATCH` exige `If-Match` : absent, 428 ; illisible, 400 ; périmé, 412 avec la fiche actuelle.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as ErreurMetier
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.errors import HttpError

from pvd.accounts import perimetres
from pvd.actions import selectors, services
from pvd.actions.models import FicheAction, Organisation
from pvd.programmes import selectors as registre
from pvd.programmes.models import Convention
from pvd.territoires.models import Commune, Epci

from . import communs
from .auth import AUTH_ECRITURE
from .erreurs import ErreurSaisie
from .pagination import paginer
from .schemas import Erreur, ErreurValidation, Jour
from .schemas.actions import (
    FicheCreation,
    FicheModification,
    FicheSchema,
    FiltresFiches,
    MaitreOuvrageSaisi,
    PageFiches,
)

router = Router(tags=["plan d'action"])


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


def _maitre_ouvrage(saisi: MaitreOuvrageSaisi):
    """Ce que désigne la saisie (lu sans écrire) : une commune, un EPCI, une organisation ou une nouvelle."""
    if saisi.insee:
        commune = Commune.objects.filter(code=saisi.insee.upper()).first()
        if commune is None:
            raise ErreurSaisie("maitre_ouvrage", f"aucune commune ne porte le code INSEE « {saisi.insee} ».")
        return commune
    if saisi.epci:
        epci = Epci.objects.filter(siren=saisi.epci).first()
        if epci is None:
            raise ErreurSaisie("maitre_ouvrage", f"aucun EPCI ne porte le SIREN « {saisi.epci} ».")
        return epci
    if saisi.organisation is not None:
        organisation = Organisation.objects.filter(pk=saisi.organisation).first()
        if organisation is None:
            raise ErreurSaisie("maitre_ouvrage", f"aucune organisation n° {saisi.organisation}.")
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
        # L'état à une date se lit dans l'historique : trié en mémoire, puis la page par identifiants.
        retenues = [f.pk for f in selectors.fiches(qs.distinct()) if f.etat_au(au) == filtres.etat]
        qs = FicheAction.objects.filter(pk__in=retenues)
    page = paginer(selectors.fiches(qs.distinct()).order_by("convention_id", "numero", "pk"), filtres, au=au)
    return PageFiches.model_validate(page, context={"au": au, "public": communs.public(request)})


@router.get(
    "/fiches-actions/{pk}",
    response={200: FicheSchema, 404: Erreur, 422: ErreurValidation},
    summary="Une fiche action",
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
