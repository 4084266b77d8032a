"""Tableaux de bord du programme : national, d'une région, d'un département (avec sa liste « à faire »).

Ces pages montrent tout le registre, publié ou non : elles demandent une connexion. Le public a ses propres pages
(`public.py`), qui ne montrent que ce que les préfectures ont publié ; les conventions ont les leurs
(`conventions.py`).
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from pvd.accounts import perimetres
from pvd.programmes import jalons, selectors
from pvd.programmes.controles import controler
from pvd.programmes.jalons import avancements
from pvd.programmes.sources import nombre_contestes
from pvd.territoires.models import Departement, Epci, Region

from .commun import chemin, jour_demande, lecture_requise, liens_departement, programme_ou_404


@lecture_requise
def tableau_de_bord(request, slug: str, region: str = ""):
    programme = programme_ou_404(slug)
    au, formulaire = jour_demande(request)
    zone = None
    if region:
        zone = Region.objects.filter(code=region).first()
        if zone is None:
            raise Http404(f"Aucune région ne porte le code « {region} ».")
    total, lignes = selectors.tableau_de_bord(programme, au, region=region, utilisateur=request.user)
    titre = f"{programme.nom} — {zone.nom}" if zone else programme.nom
    liens = [(programme.nom, reverse("tableau-de-bord", args=[slug]))] if zone else []
    return render(
        request,
        "web/programmes/tableau_de_bord.html",
        {
            "title": f"Tableau de bord {titre}",
            "programme": programme,
            "region": zone,
            "au": au,
            "formulaire_date": formulaire,
            "total": total,
            "lignes": lignes,
            "identifiants_contestes": (
                nombre_contestes(programme)
                if not zone and perimetres.est_administrateur_national(request.user)
                else None
            ),
            "breadcrumb_data": chemin(*liens, courant=zone.nom if zone else programme.nom),
        },
    )


@lecture_requise
def departement(request, slug: str, code: str):
    programme = programme_ou_404(slug)
    au, formulaire = jour_demande(request)
    dep = Departement.objects.select_related("region").filter(code=code.upper()).first()
    if dep is None or not perimetres.peut_lire_departement(request.user, dep.code):
        raise Http404(f"Aucun département « {code} » dans votre périmètre.")
    liste = list(selectors.laureats(programme, au, departement=dep.code, utilisateur=request.user))
    lignes = avancements(programme, liste, au)
    liste_conventions = list(
        selectors.conventions(programme, au, departement=dep.code, utilisateur=request.user)
    )
    echeances = jalons.echeances_ajoutees(programme, au, dep.code, request.user)
    # Les incohérences de `pvd check`, par la même fonction : la page n'en cache aucune.
    incoherences = controler(
        programme,
        au,
        departement=dep.code,
        utilisateur=request.user,
        deja_calcules=lignes,
        conventions_lues=liste_conventions,
        echeances_lues=echeances,
    ).incoherences
    a_faire = jalons.a_faire(lignes, au)
    conventions_par_epci: dict[Epci, list] = {}
    for convention in liste_conventions:
        convention.statut_affiche = convention.statut_au(au)
        conventions_par_epci.setdefault(convention.epci, []).append(convention)
    return render(
        request,
        "web/programmes/departement.html",
        {
            "title": f"{programme.nom} — {dep.nom} ({dep.code})",
            "programme": programme,
            "departement": dep,
            "au": au,
            "formulaire_date": formulaire,
            "lignes": lignes,
            "a_faire": a_faire,
            "echeances_ajoutees": echeances,
            "incoherences": incoherences,
            "conventions_par_epci": conventions_par_epci,
            "registre_interne": True,
            "peut_ecrire": perimetres.peut_ecrire_departement(request.user, dep.code),
            "peut_poste": perimetres.peut_ouvrir_poste(request.user, dep.code),
            "breadcrumb_data": chemin(
                *liens_departement(programme, dep)[:-1], courant=f"{dep.nom} ({dep.code})"
            ),
        },
    )
