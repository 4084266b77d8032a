"""Tableaux de bord des plans d'action : national, d'une région, d'un département, à une date (`?au=`).

Les pages du registre interne (connexion requise) lisent dans le périmètre du compte ; la page publique ne lit que
les fiches des conventions publiées, sans les lignes encore envisagées (`pvd.actions.tableaux`). Chaque graphique
(composant `bar-chart` du DSFR Chart) a son tableau de mêmes données, qui reste la référence pour un lecteur d'écran.
"""

import json

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from pvd.accounts import perimetres
from pvd.actions.tableaux import TableauPlans, tableau_plans
from pvd.territoires.models import Departement, Region

from .commun import chemin, jour_demande, lecture_requise, liens_departement, programme_ou_404


def _nombre_json(valeur) -> float | int:
    return float(valeur) if not isinstance(valeur, int) else valeur


def graphiques(tableau: TableauPlans) -> dict[str, dict[str, str]]:
    """Les attributs des graphiques (listes JSON que lit `bar-chart`)."""

    def barres(etiquettes, series, noms):
        return {
            "x": json.dumps([list(etiquettes)], ensure_ascii=False),
            "y": json.dumps([[_nombre_json(v) for v in serie] for serie in series]),
            "noms": json.dumps(list(noms), ensure_ascii=False),
        }

    axes = tableau.par_axe
    montants = ("Demandé", "Accordé", "Versé")
    return {
        "axes": barres([a.axe.nom for a in axes], [[a.compte.nombre for a in axes]], ["Actions"]),
        "etats": barres(
            [libelle for _, libelle, _ in tableau.par_etat], [[n for *_, n in tableau.par_etat]], ["Actions"]
        ),
        "axes_montants": barres(
            [a.axe.nom for a in axes],
            [
                [a.montants.demande for a in axes],
                [a.montants.engage for a in axes],
                [a.montants.versee for a in axes],
            ],
            montants,
        ),
        "annees": barres(
            [a.libelle for a in tableau.par_annee],
            [
                [a.montants.demande for a in tableau.par_annee],
                [a.montants.engage for a in tableau.par_annee],
                [a.montants.versee for a in tableau.par_annee],
            ],
            montants,
        ),
    }


def _rendre(request, programme, tableau, au, formulaire, titre, courant, liens, **contexte):
    return render(
        request,
        "web/actions/tableau.html",
        {
            "title": titre,
            "programme": programme,
            "tableau": tableau,
            "graphiques": graphiques(tableau),
            "au": au,
            "formulaire_date": formulaire,
            "breadcrumb_data": chemin(*liens, courant=courant),
            **contexte,
        },
    )


@lecture_requise
def plans(request, slug: str, region: str = ""):
    """National, ou une région : le détail par région (par département dans une région)."""
    programme = programme_ou_404(slug)
    au, formulaire = jour_demande(request)
    zone = None
    if region:
        zone = Region.objects.filter(code=region).first()
        if zone is None:
            raise Http404(f"Aucune région ne porte le code « {region} ».")
    tableau = tableau_plans(programme, au, region=region, utilisateur=request.user)
    liens = [(programme.nom, reverse("tableau-de-bord", args=[slug]))]
    if zone:
        liens.append(("Plans d'action", reverse("plans", args=[slug])))
    return _rendre(
        request,
        programme,
        tableau,
        au,
        formulaire,
        f"Plans d'action — {programme.nom}{f' — {zone.nom}' if zone else ''}",
        zone.nom if zone else "Plans d'action",
        liens,
        region=zone,
        niveau="departement" if zone else "region",
    )


@lecture_requise
def plans_departement(request, slug: str, code: str):
    """Un département de suivi : le détail par EPCI, et la liste « à faire »."""
    programme = programme_ou_404(slug)
    au, formulaire = jour_demande(request)
    dep = Departement.objects.select_related("region").filter(code=code.upper()).first()
    if dep is None or not perimetres.peut_lire_departement(request.user, dep.code):
        raise Http404(f"Aucun département « {code} » dans votre périmètre.")
    tableau = tableau_plans(programme, au, departement=dep.code, utilisateur=request.user)
    return _rendre(
        request,
        programme,
        tableau,
        au,
        formulaire,
        f"Plans d'action — {programme.nom} — {dep.nom} ({dep.code})",
        "Plans d'action",
        liens_departement(programme, dep),
        departement=dep,
        niveau="epci",
    )


def plans_public(request, slug: str):
    """Pour tous : les fiches des conventions publiées, jamais une ligne encore envisagée, même connecté."""
    programme = programme_ou_404(slug)
    au, formulaire = jour_demande(request)
    tableau = tableau_plans(programme, au, utilisateur=None)
    return _rendre(
        request,
        programme,
        tableau,
        au,
        formulaire,
        f"Plans d'action — {programme.nom} — données publiques",
        "Plans d'action",
        [(f"{programme.nom} — données publiques", reverse("public-programme", args=[slug]))],
        public=True,
        niveau="region",
    )
