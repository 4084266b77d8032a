"""Les travaux longs vus du site : la page de suivi (barre d'avancement tenue à jour sans recharger, puis le
résultat ou la raison de l'échec), son état en JSON (lu par `web/travail.js`), le fichier produit, et les demandes
qui lancent un travail (export national, lot d'annexes d'un département). Un travail ne se voit que par son auteur
et par l'équipe nationale (`travaux.selectors.travail_visible`)."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from pvd.accounts import perimetres
from pvd.publication.annexe import FORMATS as FORMATS_ANNEXE
from pvd.publication.exports import TABLEAUX, TELECHARGEMENTS
from pvd.travaux import selectors, services
from pvd.travaux.models import Travail
from pvd.travaux.taches import annexes_rassembler, export_produire

from .commun import (
    chemin,
    departement_ou_404,
    jour_demande,
    lecture_requise,
    liens_departement,
    piece_jointe,
    programme_ou_404,
)

FORMATS_EXPORT = ("csv", "xlsx")


def _travail_ou_404(request, pk) -> Travail:
    travail = selectors.travail_visible(pk=pk, utilisateur=request.user)
    if travail is None:
        raise Http404("Ce travail n'existe pas, ou n'est pas le vôtre.")
    return travail


def _compteurs(travail: Travail) -> str:
    if travail.nature == Travail.Nature.IMPORT:
        return (
            f"Lignes lues : {travail.lignes_lues} sur {travail.total} ; résolues : {travail.lignes_resolues} ; "
            f"écrites : {travail.lignes_ecrites}."
        )
    return f"Éléments produits : {travail.lignes_ecrites} sur {travail.total or '…'}."


def _etat(travail: Travail) -> str:
    etat = f"État : {travail.get_etat_display()}"
    if travail.etat == Travail.Etat.EN_COURS and travail.etape:
        etat += f" ({travail.etape})"
    return f"{etat}, {travail.pourcentage} %."


@lecture_requise
@require_GET
def travail(request, pk):
    t = _travail_ou_404(request, pk)
    return render(
        request,
        "web/travaux/travail.html",
        {
            "title": t.libelle,
            "travail": t,
            "compteurs": _compteurs(t),
            "etat": _etat(t),
            "breadcrumb_data": chemin(courant=t.libelle),
        },
    )


@lecture_requise
@require_GET
def travail_etat(request, pk):
    """L'état du travail, lu toutes les secondes par la page de suivi ; le résultat, rendu ici, une fois fini."""
    t = _travail_ou_404(request, pk)
    return JsonResponse(
        {
            "etat": t.etat,
            "fini": t.fini,
            "pourcentage": t.pourcentage,
            "texte_etat": _etat(t),
            "compteurs": _compteurs(t),
            "resultat": render_to_string("web/travaux/resultat.html", {"travail": t}, request)
            if t.fini
            else "",
        },
        headers={"Cache-Control": "no-store"},
    )


@lecture_requise
@require_GET
def travail_fichier(request, pk):
    t = _travail_ou_404(request, pk)
    if t.etat != Travail.Etat.TERMINE or not t.fichier:
        raise Http404("Ce travail n'a pas produit de fichier.")
    return FileResponse(
        default_storage.open(t.fichier, "rb"),
        as_attachment=True,
        filename=t.nom_fichier,
        headers={"Content-Disposition": piece_jointe(t.nom_fichier)},
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def exports(request, slug: str):
    """Préparer un export national (un tableau de données ouvertes, au jour demandé) : un travail long, dont la page
    de suivi donne le fichier une fois prêt."""
    programme = programme_ou_404(slug)
    au = jour_demande(request)[0]
    if request.method == "POST":
        jeu, format_ = request.POST.get("jeu", ""), request.POST.get("format", "")
        if jeu not in TABLEAUX or format_ not in FORMATS_EXPORT:
            raise Http404("Cet export n'existe pas.")
        libelle = dict(TELECHARGEMENTS).get(jeu, jeu)
        t = services.travail_lancer(
            nature=Travail.Nature.EXPORT,
            libelle=f"Export national ({format_.upper()}) : {libelle}",
            auteur=request.user,
            tache=export_produire,
            jeu=jeu,
            format=format_,
            programme=programme.slug,
            au=au.isoformat(),
        )
        return redirect("travail", pk=t.pk)
    return render(
        request,
        "web/travaux/exports.html",
        {
            "title": f"Exports nationaux — {programme.nom}",
            "programme": programme,
            "au": au,
            "jeux": TELECHARGEMENTS,
            "formats": FORMATS_EXPORT,
            "travaux": selectors.travaux_de(request.user),
            "breadcrumb_data": chemin(
                (programme.nom, reverse("tableau-de-bord", args=[programme.slug])),
                courant="Exports nationaux",
            ),
        },
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def annexes(request, slug: str, code: str):
    """Les annexes « plan d'action » de toutes les conventions-cadres d'un département, en un ZIP : un travail long."""
    programme = programme_ou_404(slug)
    dep = departement_ou_404(code)
    if not perimetres.peut_lire_departement(request.user, dep.code):
        raise Http404(f"Aucun département « {code} » dans votre périmètre.")
    au = jour_demande(request)[0]
    if request.method == "POST":
        format_ = request.POST.get("format", "")
        if format_ not in FORMATS_ANNEXE:
            raise Http404("Les annexes existent en DOCX et en PDF.")
        t = services.travail_lancer(
            nature=Travail.Nature.DOCUMENTS,
            libelle=f"Annexes « plan d'action » ({format_.upper()}) — {dep.nom} ({dep.code})",
            auteur=request.user,
            tache=annexes_rassembler,
            programme=programme.slug,
            departement=dep.code,
            format=format_,
            au=au.isoformat(),
        )
        return redirect("travail", pk=t.pk)
    return render(
        request,
        "web/travaux/annexes.html",
        {
            "title": f"Annexes des plans d'action — {dep.nom} ({dep.code})",
            "programme": programme,
            "departement": dep,
            "au": au,
            "formats": list(FORMATS_ANNEXE),
            "breadcrumb_data": chemin(
                *liens_departement(programme, dep), courant="Annexes des plans d'action"
            ),
        },
    )
