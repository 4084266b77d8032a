from django.shortcuts import redirect, render
from django.templatetags.static import static

from pvd.territoires.models import Commune, Epci, ImportReferentiel
from pvd.territoires.selectors import regions_avec_departements

TITRES = {
    "accessibilite": "Déclaration d'accessibilité",
    "mentions_legales": "Mentions légales",
    "donnees_personnelles": "Données personnelles",
    "plan_du_site": "Plan du site",
}


def accueil(request):
    contexte = {
        "title": "Accueil",
        "dernier_import": ImportReferentiel.objects.first(),
        "nb_communes": Commune.objects.actuelles().count(),
        "nb_epci": Epci.objects.actuels().count(),
        "regions": regions_avec_departements(),
    }
    return render(request, "web/accueil.html", contexte)


def page_statique(request, gabarit: str):
    titre = TITRES[gabarit]
    return render(
        request,
        f"web/pages/{gabarit}.html",
        {"title": titre, "breadcrumb_data": {"current": titre}},
    )


def favicon(request):
    """`/favicon.ico`, que les navigateurs demandent d'eux-mêmes : l'icône du DSFR, sous son nom avec empreinte."""
    return redirect(static("dsfr/dist/favicon/favicon.ico"))
