"""Le journal des changements, pour l'équipe nationale : filtres et export CSV."""

import csv
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from pvd.accounts.perimetres import est_administrateur_national
from pvd.programmes.models import Evenement
from pvd.territoires.fichiers import neutraliser

from .commun import chemin, lecture_requise

PAR_PAGE = 100


def _filtrer(request):
    qs = Evenement.objects.select_related("auteur").order_by("-fait_le", "-id")
    filtres = {
        k: request.GET.get(k, "").strip() for k in ("objet_type", "canal", "auteur", "du", "au", "objet_id")
    }
    if filtres["objet_type"]:
        qs = qs.filter(objet_type=filtres["objet_type"])
    if filtres["objet_id"]:
        qs = qs.filter(objet_id=filtres["objet_id"])
    if filtres["canal"]:
        qs = qs.filter(canal=filtres["canal"])
    if filtres["auteur"]:
        qs = qs.filter(auteur__username__icontains=filtres["auteur"])
    for cle, lookup in (("du", "fait_le__date__gte"), ("au", "fait_le__date__lte")):
        try:
            if filtres[cle]:
                qs = qs.filter(**{lookup: date.fromisoformat(filtres[cle])})
        except ValueError:
            filtres[cle] = ""
    return qs, filtres


@lecture_requise
def journal(request):
    if not est_administrateur_national(request.user):
        raise PermissionDenied("Le journal complet des changements est réservé à l'équipe nationale.")
    qs, filtres = _filtrer(request)
    if request.GET.get("format") == "csv":
        reponse = HttpResponse(content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = 'attachment; filename="journal-des-changements.csv"'
        ecrivain = csv.writer(reponse)
        ecrivain.writerow(
            ["date", "objet", "identifiant", "action", "résumé", "auteur", "canal", "avant", "après"]
        )
        for e in qs.iterator(chunk_size=2000):
            ecrivain.writerow(
                [
                    e.fait_le.isoformat(),
                    e.objet_type,
                    e.objet_id,
                    e.action,
                    neutraliser(e.resume),
                    e.auteur.get_username() if e.auteur else "",
                    e.canal,
                    neutraliser(str(e.avant)),
                    neutraliser(str(e.apres)),
                ]
            )
        return reponse
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/journal.html",
        {
            "title": "Journal des changements",
            "page": page,
            "filtres": filtres,
            "canaux": Evenement.Canal.choices,
            "types": sorted(set(Evenement.objects.values_list("objet_type", flat=True).distinct())),
            "requete": request.GET.urlencode(),
            "breadcrumb_data": chemin(courant="Journal des changements"),
        },
    )
