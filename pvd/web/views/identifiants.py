"""Les identifiants nationaux contestés, pour l'équipe nationale : la liste, et de quoi trancher commune par commune."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pvd.accounts.perimetres import est_administrateur_national
from pvd.programmes import services
from pvd.programmes.models import Evenement, Laureat
from pvd.programmes.sources import identifiants_contestes

from .commun import chemin, lecture_requise, programme_ou_404


@lecture_requise
@require_http_methods(["GET", "POST"])
def identifiants(request, slug: str):
    if not est_administrateur_national(request.user):
        raise PermissionDenied("Les identifiants nationaux contestés se tranchent par l'équipe nationale.")
    programme = programme_ou_404(slug)
    if request.method == "POST":
        laureat = Laureat.objects.filter(programme=programme, pk=request.POST.get("laureat") or 0).first()
        if laureat is None:
            raise Http404("Ce lauréat n'existe pas.")
        action = request.POST.get("action")
        identifiant = request.POST.get("identifiant", "").strip() if action == "attribuer" else None
        try:
            services.laureat_identifiant_trancher(
                laureat=laureat,
                identifiant=identifiant,
                trace=services.Trace(auteur=request.user, canal=Evenement.Canal.PAGE),
            )
        except ValidationError as erreur:
            messages.error(request, f"{laureat.commune.nom} : {' '.join(erreur.messages)}")
        else:
            if identifiant:
                messages.success(
                    request, f"{laureat.commune.nom} porte désormais l'identifiant « {identifiant} »."
                )
            else:
                messages.success(request, f"{laureat.commune.nom} : l'identifiant contesté est écarté.")
        return redirect(reverse("identifiants-contestes", args=[slug]))
    groupes = identifiants_contestes(programme)
    return render(
        request,
        "web/programmes/identifiants.html",
        {
            "title": f"Identifiants nationaux contestés — {programme.nom}",
            "programme": programme,
            "groupes": groupes,
            "nombre_communes": sum(
                1 for porteurs in groupes.values() for lau in porteurs if lau.identifiant_conteste
            ),
            "breadcrumb_data": chemin(
                (programme.nom, reverse("tableau-de-bord", args=[slug])), courant="Identifiants contestés"
            ),
        },
    )
