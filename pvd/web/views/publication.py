"""Le communiqué de presse : aperçu modifiable, puis export en Markdown, DOCX, PDF ou ODT."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from pvd.accounts import perimetres
from pvd.programmes.selectors import aujourd_hui, programme_par_slug
from pvd.publication import services
from pvd.publication.communique import communique_rediger
from pvd.publication.rendus import FORMATS, ExportIndisponible, rendre
from pvd.territoires.models import Departement

from ..forms import CommuniqueForm
from .programmes import _chemin, _trace, exiger, lecture_requise, liens_departement


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
                    departement=departement, trace=_trace(request), contact_presse=apercu.contact
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
                    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
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
            "breadcrumb_data": _chemin(
                *liens_departement(programme, departement), courant="Communiqué de presse"
            ),
        },
    )
