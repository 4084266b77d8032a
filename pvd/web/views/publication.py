"""Publier : le communiqué de presse (aperçu modifiable, puis export en Markdown, DOCX, PDF ou ODT) et la
publication d'un coup de ce que suit un département."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pvd.accounts import perimetres
from pvd.programmes.selectors import aujourd_hui, programme_par_slug
from pvd.publication import services
from pvd.publication.communique import communique_rediger
from pvd.publication.rendus import FORMATS, ExportIndisponible, rendre
from pvd.territoires.models import Departement
from pvd.territoires.rapport import accorder

from ..forms import CommuniqueForm
from .commun import (
    chemin,
    departement_ou_404,
    exiger,
    lecture_requise,
    liens_departement,
    piece_jointe,
    programme_ou_404,
    trace_page,
)


@lecture_requise
@require_http_methods(["GET", "POST"])
def communique(request, slug: str, code: str):
    programme = programme_par_slug(slug)
    departement = Departement.objects.select_related("chef_lieu", "region").filter(code=code.upper()).first()
    if programme is None or departement is None:
        raise Http404("Programme ou département inconnu.")
    exiger(
        perimetres.peut_ecrire_departement(request.user, departement.code),
        f"Le communiqué {departement.avec_charniere} est écrit par sa préfecture.",
    )
    try:
        jour = date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else aujourd_hui()
    except ValueError:
        jour = aujourd_hui()
    base = communique_rediger(
        programme=programme, departement=departement, jour=jour, lieu=request.GET.get("lieu", "")
    )
    erreur_export = ""
    if request.method == "POST":
        formulaire = CommuniqueForm(request.POST)
        if formulaire.is_valid():
            apercu = formulaire.communique()
            if formulaire.cleaned_data["garder_contact"]:
                services.parametres_enregistrer(
                    departement=departement, trace=trace_page(request), contact_presse=apercu.contact
                )
            format_demande = request.POST.get("format", "")
            if format_demande in FORMATS:
                try:
                    contenu = rendre(apercu, format_demande)
                except ExportIndisponible as erreur:
                    erreur_export = str(erreur)
                else:
                    type_mime, extension = FORMATS[format_demande]
                    reponse = HttpResponse(contenu, content_type=type_mime)
                    nom = f"communique-{departement.code}-{jour.isoformat()}.{extension}"
                    reponse["Content-Disposition"] = piece_jointe(nom)
                    return reponse
        else:
            apercu = base
    else:
        formulaire = CommuniqueForm(initial=base.as_dict() | {"conventions": "\n".join(base.conventions)})
        apercu = base
    return render(
        request,
        "web/publication/communique.html",
        {
            "title": f"Communiqué de presse — {departement.nom}, {jour:%d/%m/%Y}",
            "programme": programme,
            "departement": departement,
            "jour": jour,
            "apercu": apercu,
            "formulaire": formulaire,
            "formats": [
                ("md", "Markdown"),
                ("docx", "DOCX (Word, LibreOffice)"),
                ("pdf", "PDF"),
                ("odt", "ODT"),
            ],
            "erreur_export": erreur_export,
            "breadcrumb_data": chemin(
                *liens_departement(programme, departement), courant="Communiqué de presse"
            ),
        },
    )


@lecture_requise
@require_http_methods(["POST"])
def departement_publication(request, slug: str, code: str):
    """Publie d'un coup les lauréats du département et ses conventions signées."""
    programme = programme_ou_404(slug)
    dep = departement_ou_404(code)
    exiger(perimetres.peut_ecrire_departement(request.user, dep.code))
    changes = services.departement_publier(programme=programme, departement=dep, trace=trace_page(request))
    messages.success(
        request,
        f"{accorder(changes, 'élément publié', 'éléments publiés')} : lauréats et conventions signées du département.",
    )
    return redirect("programme-departement", slug=slug, code=dep.code)
