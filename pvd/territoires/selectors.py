"""Lectures du référentiel pour les pages et l'API, à nombre de requêtes fixe quelle que soit la taille."""

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from .models import Commune, Departement, Epci, Region


def regions_avec_departements() -> QuerySet[Region]:
    return Region.objects.prefetch_related(Prefetch("departements", Departement.objects.order_by("code")))


def departement_detail(code: str) -> Departement | None:
    return Departement.objects.select_related("region", "chef_lieu").filter(code=code.upper()).first()


def departement_epcis(departement: Departement) -> QuerySet[Epci]:
    """Les EPCI qui couvrent le département, avec leurs communes dans ce département."""
    dans_dep = Q(communes__departement=departement, communes__obsolete=False)
    return (
        Epci.objects.actuels()
        .filter(departements=departement)
        .annotate(
            nb_communes_dep=Count("communes", filter=dans_dep),
            population_dep=Sum("communes__population", filter=dans_dep),
        )
        .prefetch_related(Prefetch("departements", Departement.objects.order_by("code")))
        .order_by("cle_tri", "siren")
    )


def departement_communes(departement: Departement) -> QuerySet[Commune]:
    return (
        Commune.objects.actuelles()
        .filter(departement=departement)
        .select_related("epci")
        .order_by("cle_tri", "code")
    )


def epci_detail(siren: str) -> Epci | None:
    return (
        Epci.objects.select_related("remplace_par")
        .prefetch_related(
            Prefetch("departements", Departement.objects.order_by("code")),
            "alias",
            "noms_historiques",
        )
        .filter(siren=siren.replace(" ", ""))
        .first()
    )


def epci_membres(epci: Epci) -> QuerySet[Commune]:
    return (
        Commune.objects.actuelles()
        .filter(epci=epci)
        .select_related("departement")
        .order_by("cle_tri", "code")
    )


def commune_detail(code: str) -> Commune | None:
    return (
        Commune.objects.select_related("departement", "region", "epci", "remplacee_par")
        .prefetch_related("noms_historiques", "alias")
        .filter(code=code.upper())
        .first()
    )


def communes_filtrees(*, departement: str = "", epci: str = "", nom: str = "") -> QuerySet[Commune]:
    qs = Commune.objects.actuelles().select_related("departement", "epci").order_by("code")
    if departement:
        qs = qs.filter(departement_id=departement.upper())
    if epci:
        qs = qs.filter(epci_id=epci)
    if nom:
        qs = qs.filter(nom__icontains=nom)
    return qs


def epcis_filtres(*, departement: str = "", nature: str = "", nom: str = "") -> QuerySet[Epci]:
    qs = Epci.objects.actuels().prefetch_related(
        Prefetch("departements", Departement.objects.order_by("code"))
    )
    if departement:
        qs = qs.filter(departements=departement.upper())
    if nature:
        qs = qs.filter(nature=nature)
    if nom:
        qs = qs.filter(nom__icontains=nom)
    return qs.order_by("siren")
