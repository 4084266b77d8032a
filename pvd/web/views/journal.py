"""Le journal des changements, pour l'équipe nationale : filtres et export CSV."""

import csv
import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from pvd.accounts.perimetres import est_administrateur_national
from pvd.programmes import selectors
from pvd.programmes.dates import lire_jour
from pvd.programmes.models import Evenement
from pvd.territoires.fichiers import neutraliser

from .commun import chemin, lecture_requise, piece_jointe

PAR_PAGE = 100


def _filtrer(request):
    """Les filtres lus dans l'adresse (une date illisible est oubliée), et le journal qu'ils donnent."""
    filtres = {
        k: request.GET.get(k, "").strip() for k in ("objet_type", "canal", "auteur", "du", "au", "objet_id")
    }
    jours = {}
    for cle in ("du", "au"):
        try:
            jours[cle] = lire_jour(filtres[cle]) if filtres[cle] else None
        except ValueError:
            filtres[cle], jours[cle] = "", None
    champs = {k: filtres[k] for k in ("objet_type", "objet_id", "canal", "auteur")}
    return selectors.journal(**champs, **jours), filtres


def _json(valeur) -> str:
    """Avant/après en JSON valide (guillemets doubles, `null`), relisible par un programme ; vide si rien."""
    return "" if valeur is None else json.dumps(valeur, ensure_ascii=False, sort_keys=True, default=str)


@lecture_requise
def journal(request):
    if not est_administrateur_national(request.user):
        raise PermissionDenied("Le journal complet des changements est réservé à l'équipe nationale.")
    qs, filtres = _filtrer(request)
    if request.GET.get("format") == "csv":
        reponse = HttpResponse(content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = piece_jointe("journal-des-changements.csv")
        ecrivain = csv.writer(reponse)
        ecrivain.writerow(
            ["date", "objet", "identifiant", "action", "résumé", "auteur", "canal", "avant", "après"]
        )
        for e in qs.iterator(chunk_size=2000):
            ecrivain.writerow(
                [
                    e.fait_le.isoformat(),
                    e.objet_libelle,
                    e.objet_id,
                    e.get_action_display(),
                    neutraliser(e.resume),
                    e.auteur.get_username() if e.auteur else "",
                    e.get_canal_display(),  # le canal tel que la page le nomme
                    neutraliser(_json(e.avant)),
                    neutraliser(_json(e.apres)),
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
            "types": [(t, Evenement.libelle_objet(t)) for t in selectors.journal_types()],
            "requete": request.GET.urlencode(),
            "breadcrumb_data": chemin(courant="Journal des changements"),
        },
    )
