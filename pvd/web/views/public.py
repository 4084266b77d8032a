"""Pages publiques : ce que les préfectures ont publié, les téléchargements de données ouvertes et les cartes.

Tout ici passe par `publics=True` : un lauréat ou une convention non publiés n'existent pas pour le public.
"""

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from pvd.programmes import selectors
from pvd.programmes.jalons import avancements
from pvd.programmes.models import Convention
from pvd.publication.exports import TABLEAUX, TELECHARGEMENTS, produire
from pvd.territoires.models import Commune, Departement

from .commun import chemin, departement_ou_404, jour_demande, piece_jointe, programme_ou_404

TYPES_FICHIERS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/geo+json",
}


def programme_public(request, slug: str):
    programme = programme_ou_404(slug)
    au = jour_demande(request)[0]
    total, departements = selectors.tableau_de_bord(programme, au, publics=True, par_departement=True)
    return render(
        request,
        "web/public/programme.html",
        {
            "title": f"{programme.nom} — données publiques",
            "programme": programme,
            "au": au,
            "total": total,
            "departements": departements,
            # Tous les départements, à zéro par défaut : l'échelle de couleurs part de zéro.
            "donnees_carte": json.dumps(
                {
                    code: 0
                    for code in Departement.objects.filter(zone__in=["metro", "drom"]).values_list(
                        "code", flat=True
                    )
                }
                | {d.code: d.compteurs.laureats for d in departements}
            ),
            "telechargements": TELECHARGEMENTS,
            "breadcrumb_data": chemin(courant=f"{programme.nom} — données publiques"),
        },
    )


def departement_public(request, slug: str, code: str):
    programme = programme_ou_404(slug)
    au = jour_demande(request)[0]
    dep = Departement.objects.select_related("region").filter(code=code.upper()).first()
    if dep is None:
        raise Http404(f"Aucun département ne porte le code « {code} ».")
    liste = list(selectors.laureats(programme, au, departement=dep.code, publics=True))
    lignes = avancements(programme, liste, au, publiques=True)
    signees = [
        c
        for c in selectors.conventions(programme, au, departement=dep.code, publiques=True)
        if c.statut_au(au) == Convention.Statut.SIGNEE
    ]
    fond = list(
        Commune.objects.actuelles()
        .filter(departement=dep, latitude__isnull=False)
        .values_list("latitude", "longitude")
    )
    points = [
        {
            "code": ligne.laureat.commune_id,
            "nom": ligne.laureat.commune.nom,
            "lat": ligne.laureat.commune.latitude,
            "lon": ligne.laureat.commune.longitude,
            "avancement": "ort"
            if ligne.jalon("cadre_ort").date
            else "adhesion"
            if ligne.jalon("adhesion").date
            else "laureate",
            "url": reverse("commune", args=[ligne.laureat.commune_id]),
        }
        for ligne in lignes
        if ligne.laureat.commune.latitude is not None
    ]
    return render(
        request,
        "web/public/departement.html",
        {
            "title": f"{programme.nom} — {dep.nom} ({dep.code})",
            "programme": programme,
            "departement": dep,
            "au": au,
            "lignes": lignes,
            "sans_coordonnees": [ligne for ligne in lignes if ligne.laureat.commune.latitude is None],
            "signees": signees,
            "donnees_carte": {"points": points, "fond": fond},
            "telechargements": TELECHARGEMENTS,
            "breadcrumb_data": chemin(
                (f"{programme.nom} — données publiques", reverse("public-programme", args=[slug])),
                courant=f"{dep.nom} ({dep.code})",
            ),
        },
    )


def telechargement(request, slug: str, jeu: str, extension: str):
    """Un fichier de données ouvertes (`laureats.csv`, `ort.xlsx`, `geojson.json`) ou son schéma (`….schema.json`)."""
    programme = programme_ou_404(slug)
    schema_demande = jeu.endswith(".schema")
    jeu = jeu.removesuffix(".schema")
    tableaux = set(TABLEAUX)
    valide = (
        (schema_demande and jeu in tableaux and extension == "json")
        or (not schema_demande and jeu in tableaux and extension in ("csv", "xlsx"))
        or (not schema_demande and jeu == "geojson" and extension == "json")
    )
    if not valide:
        raise Http404("Ce fichier n'existe pas.")
    au = jour_demande(request)[0]
    departement = ""
    if demande := request.GET.get("departement", ""):
        # Le nom du fichier ne reprend que le code lu en base, jamais le texte reçu.
        departement = departement_ou_404(demande[:3]).code
    format_tableau = "csv" if schema_demande else extension
    contenu, schema = produire(
        jeu, format_tableau, programme=programme, au=au, departement=departement, publics=True
    )
    if schema_demande:
        return JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    reponse = HttpResponse(contenu, content_type=TYPES_FICHIERS[extension])
    suffixe = f"-{departement}" if departement else ""
    reponse["Content-Disposition"] = piece_jointe(
        f"{programme.slug}-{jeu}{suffixe}-{au.isoformat()}.{extension}"
    )
    return reponse
