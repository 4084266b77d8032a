from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from pvd.accounts.perimetres import lit_le_registre_interne
from pvd.programmes.selectors import aujourd_hui, avancements_de_commune, historique_de_commune
from pvd.programmes.sources import sources_du_laureat
from pvd.territoires import selectors
from pvd.territoires.resolution import obtenir_index

NB_SUGGESTIONS = 8


def _chemin(*liens, courant: str) -> dict:
    return {"links": [{"url": url, "title": titre} for titre, url in liens], "current": courant}


def _url_de(candidat) -> str:
    return reverse("commune" if candidat.type == "commune" else "epci", args=[candidat.code])


def suggestions(request):
    """Fragment htmx : les suggestions du résolveur pour le texte tapé."""
    texte = request.GET.get("q", "").strip()[:200]
    candidats = obtenir_index().suggerer(texte, NB_SUGGESTIONS) if len(texte) >= 2 else []
    liens = [{"candidat": c, "url": _url_de(c)} for c in candidats]
    return render(request, "web/fragments/suggestions.html", {"liens": liens, "texte": texte})


def recherche(request):
    """Sans JavaScript aussi : un résultat sûr mène à sa page, sinon on liste les candidats."""
    texte = request.GET.get("q", "").strip()[:200]
    departement = request.GET.get("departement", "").strip()[:3]
    resolution = obtenir_index().resoudre(texte, None, departement) if texte else None
    if resolution and resolution.resultat:
        return redirect(_url_de(resolution.resultat))
    candidats = resolution.candidats if resolution else []
    return render(
        request,
        "web/recherche.html",
        {
            "title": "Recherche",
            "texte": texte,
            "resolution": resolution,
            "liens": [{"candidat": c, "url": _url_de(c)} for c in candidats],
            "breadcrumb_data": _chemin(courant="Recherche"),
        },
    )


def departements(request):
    return render(
        request,
        "web/departements.html",
        {
            "title": "Départements",
            "regions": selectors.regions_avec_departements(),
            "breadcrumb_data": _chemin(courant="Départements"),
        },
    )


def departement(request, code: str):
    dep = selectors.departement_detail(code)
    if dep is None:
        raise Http404(f"Aucun département ne porte le code « {code} ».")
    titre = f"{dep.nom} ({dep.code})"
    return render(
        request,
        "web/departement.html",
        {
            "title": titre,
            "departement": dep,
            "epcis": selectors.departement_epcis(dep),
            "communes": selectors.departement_communes(dep),
            "breadcrumb_data": _chemin(("Départements", reverse("departements")), courant=titre),
        },
    )


def epci(request, siren: str):
    objet = selectors.epci_detail(siren)
    if objet is None:
        raise Http404(f"Aucun EPCI ne porte le SIREN « {siren} ».")
    departements_epci = list(objet.departements.all())
    liens = [(f"{d.nom} ({d.code})", reverse("departement", args=[d.code])) for d in departements_epci[:1]]
    return render(
        request,
        "web/epci.html",
        {
            "title": objet.nom,
            "epci": objet,
            "departements": departements_epci,
            "membres": selectors.epci_membres(objet),
            "breadcrumb_data": _chemin(("Départements", reverse("departements")), *liens, courant=objet.nom),
        },
    )


def commune(request, code: str):
    objet = selectors.commune_detail(code)
    if objet is None:
        raise Http404(f"Aucune commune ne porte le code INSEE « {code} ».")
    dep = objet.departement
    registre_interne = lit_le_registre_interne(request.user)
    # Ce que le compte lit, par les mêmes fonctions de périmètre que l'API (`accounts.perimetres`).
    avancements = avancements_de_commune(objet, aujourd_hui(), utilisateur=request.user)
    for avancement in avancements:
        avancement.sources = sources_du_laureat(avancement.laureat, utilisateur=request.user)
    return render(
        request,
        "web/commune.html",
        {
            "title": f"{objet.nom} ({objet.code})",
            "commune": objet,
            "avancements": avancements,
            "historique": historique_de_commune(objet, request.user) if registre_interne else None,
            "breadcrumb_data": _chemin(
                ("Départements", reverse("departements")),
                (f"{dep.nom} ({dep.code})", reverse("departement", args=[dep.code])),
                *([(objet.epci.nom, reverse("epci", args=[objet.epci_id]))] if objet.epci else []),
                courant=objet.nom,
            ),
        },
    )
