"""Pages d'une convention : fiche, document signé, et les formulaires qui écrivent par les services (création,
modification sous verrou de version, ajout d'une commune, signature, poste de chef de projet).

Comme le tableau de bord, elles montrent le registre interne : elles demandent une connexion.
"""

import logging
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods

from pvd.accounts import perimetres
from pvd.programmes import selectors, services, signataires
from pvd.programmes.dates import date_longue
from pvd.programmes.documents import est_un_pdf
from pvd.programmes.models import Convention
from pvd.territoires.models import Commune, Epci
from pvd.territoires.resolution import resoudre

from ..forms import (
    AjoutCommuneForm,
    ConventionForm,
    ConventionModifierForm,
    PosteForm,
    SignatureForm,
)
from .commun import (
    chemin,
    departement_ou_404,
    ecrire_sous_version,
    erreurs_dans_formulaire,
    exiger,
    lecture_requise,
    liens_departement,
    programme_ou_404,
    trace_page,
)

journal = logging.getLogger(__name__)


def _liens_convention(objet: Convention, parent_lisible: bool = True) -> list[tuple[str, str]]:
    """… jusqu'à la convention, en passant par celle qu'elle modifie si c'est un avenant (et si elle se lit)."""
    liens = liens_departement(objet.programme, objet.departement_suivi)
    if objet.parent and parent_lisible:
        liens.append((objet.parent.titre, reverse("convention", args=[objet.parent_id])))
    return [*liens, (objet.titre, reverse("convention", args=[objet.pk]))]


def _convention_ou_404(pk: int, request=None) -> Convention:
    """La convention, si elle existe et (avec `request`) si elle est dans le périmètre de lecture ; sinon 404."""
    convention = selectors.convention_detail(pk)
    visible = convention is not None and (
        request is None
        or perimetres.conventions_visibles(request.user, Convention.objects.filter(pk=pk)).exists()
    )
    if not visible:
        raise Http404("Cette convention n'existe pas, ou pas dans votre périmètre.")
    return convention


def _convention_a_modifier(request, pk: int) -> Convention:
    """Écrire : 404 si elle n'existe pas ou ne se lit pas (la même réponse : rien ne dit qu'elle existe), 403 hors
    du périmètre d'écriture si elle se lit."""
    convention = _convention_ou_404(pk, request)
    exiger(
        perimetres.peut_modifier_convention(request.user, convention),
        f"Cette convention est suivie par la préfecture {convention.departement_suivi.avec_charniere} : "
        "votre compte ne permet pas de la modifier.",
    )
    return convention


@lecture_requise
def convention(request, pk: int):
    objet = _convention_ou_404(pk, request)
    au = selectors.aujourd_hui()
    # Ses avenants et la convention qu'elle modifie, s'ils se lisent (un avenant pour une commune du Lot seule ne
    # se lit pas depuis l'Aveyron, même si la convention-cadre, elle, s'y lit).
    lisibles = perimetres.conventions_visibles(
        request.user, Convention.objects.filter(Q(parent=objet) | Q(pk=objet.parent_id or 0))
    ).order_by("date_signature", "id")
    avenants = [c for c in lisibles if c.parent_id == objet.pk]
    parent_lisible = any(c.pk == objet.parent_id for c in lisibles)
    autres_departements = [
        lien for lien in objet.communes.all() if lien.commune.departement_id != objet.departement_suivi_id
    ]
    return render(
        request,
        "web/programmes/convention.html",
        {
            "title": objet.titre,
            "convention": objet,
            "statut": objet.statut_au(au),
            "autres_departements": autres_departements,
            "fin_estimee": objet.date_fin_estimee,
            "historique": selectors.historique(objet),
            "avenants": avenants,
            "parent_lisible": parent_lisible,
            "peut_modifier": perimetres.peut_modifier_convention(request.user, objet),
            "breadcrumb_data": chemin(*_liens_convention(objet, parent_lisible)[:-1], courant=objet.titre),
        },
    )


@lecture_requise
def convention_document(request, pk: int):
    objet = _convention_ou_404(pk, request)
    if not objet.document:
        raise Http404("Aucun document n'est attaché à cette convention.")
    try:
        # Par le stockage du champ (disque ou S3), jamais par un chemin local : tous les serveurs lisent le même.
        flux = objet.document.open("rb")
    except FileNotFoundError:
        journal.error(
            "Convention %s : le document %s manque dans le stockage.", objet.pk, objet.document.name
        )
        raise Http404(
            "Le document de cette convention est introuvable dans le stockage des fichiers : prévenez "
            "l'administrateur du site (sauvegarde à restaurer, ou stockage partagé à configurer)."
        ) from None
    verifie = est_un_pdf(flux)
    # Un fichier qui n'est pas un PDF vérifié n'est jamais affiché par le navigateur : seulement téléchargé, tel quel.
    reponse = FileResponse(
        flux,
        as_attachment=not verifie,
        filename=f"convention-{objet.pk}.pdf",
        content_type="application/pdf" if verifie else "application/octet-stream",
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse


def _page_formulaire(request, gabarit_titre: str, formulaire, retour: str, fil: dict, **contexte):
    """Un formulaire, son titre, et son fil d'Ariane complet (`fil`, jusqu'à la page d'où l'on vient)."""
    return render(
        request,
        "web/programmes/formulaire.html",
        {
            "title": gabarit_titre,
            "formulaire": formulaire,
            "retour": retour,
            "breadcrumb_data": fil,
            **contexte,
        },
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def convention_nouvelle(request, slug: str, code: str):
    programme = programme_ou_404(slug)
    dep = departement_ou_404(code)
    exiger(perimetres.peut_ecrire_departement(request.user, dep.code))
    formulaire = ConventionForm(request.POST or None, departement=dep, programme=programme)
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        communes = [(laureat.commune, "laureate") for laureat in d["communes"]]
        exception = d["exception"].strip()
        try:
            objet = services.convention_create(
                programme=programme,
                type=d["type"],
                epci=d["epci"],
                communes=communes,
                parent=d["parent"],
                intitule=d["intitule"],
                date_ouverture=d["date_ouverture"],
                date_signature_prevue=d["date_signature_prevue"],
                lieu_signature=d["lieu_signature"],
                duree_annees=d["duree_annees"],
                departement_suivi=dep,
                exceptions={c.code: exception for c, _ in communes} if exception else {},
                trace=trace_page(request),
            )
        except ValidationError as erreur:
            erreurs_dans_formulaire(formulaire, erreur)
        else:
            messages.success(
                request,
                "L'avenant est créé, en cours d'élaboration."
                if objet.type == Convention.Type.AVENANT
                else "La convention est créée, en cours d'élaboration.",
            )
            return redirect("convention", pk=objet.pk)
    return _page_formulaire(
        request,
        f"Nouvelle convention — {dep.nom}",
        formulaire,
        reverse("programme-departement", args=[slug, dep.code]),
        chemin(*liens_departement(programme, dep), courant="Nouvelle convention"),
        bouton="Créer la convention",
    )


def _valeur_lisible(champ: str, valeur) -> str:
    if valeur in (None, ""):
        return "vide"
    if champ.startswith("date_"):
        try:
            return date_longue(date.fromisoformat(str(valeur)))
        except ValueError:
            pass
    return f"« {valeur} »" if isinstance(valeur, str) else str(valeur)


def _changements(evenements) -> list[str]:
    """Une ligne par champ changé (« lieu de signature : « Cazals » → « Salviac » ») ; pour une signature ou une
    commune ajoutée, le résumé du journal."""
    lignes = []
    for evenement in evenements:
        auteur = f" ({evenement.auteur.get_username()})" if evenement.auteur else ""
        if evenement.apres and set(evenement.apres) <= services.CHAMPS_MODIFIABLES:
            for champ, apres in evenement.apres.items():
                nom = Convention._meta.get_field(champ).verbose_name
                avant = _valeur_lisible(champ, evenement.avant.get(champ))
                lignes.append(f"{capfirst(nom)} : {avant} → {_valeur_lisible(champ, apres)}{auteur}")
        else:
            lignes.append(f"{evenement.resume}{auteur}")
    return lignes


def _initial_version(objet: Convention) -> dict:
    return {"version": objet.version, "journal": selectors.dernier_evenement(objet)}


def _conflit(
    request, formulaire, erreur: services.ConflitDeVersion, gabarit_titre: str, retour: str, fil: dict
):
    """Un seul message : rien n'est enregistré, ce que l'autre personne a changé (chaque champ), et quoi refaire ; le
    formulaire garde la saisie et prend la version actuelle, pour « Enregistrer quand même »."""
    actuelle = erreur.actuelle
    vu = formulaire.cleaned_data.get("journal") or 0
    changements = _changements(selectors.historique(actuelle, apres=vu).order_by("pk"))
    donnees = formulaire.data.copy()
    for champ, valeur in _initial_version(actuelle).items():
        donnees[champ] = valeur
    formulaire.data = donnees
    return _page_formulaire(
        request,
        gabarit_titre,
        formulaire,
        retour,
        fil,
        conflit=True,
        actuelle=actuelle,
        changements=changements,
        bouton="Enregistrer quand même",
    )


def _ecrire_sous_version(request, formulaire, ecriture, succes: str, titre: str, retour: str, fil: dict):
    return ecrire_sous_version(
        request,
        formulaire,
        ecriture,
        succes,
        retour,
        lambda e: _conflit(request, formulaire, e, titre, retour, fil),
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def convention_modifier(request, pk: int):
    objet = _convention_a_modifier(request, pk)
    champs = ["intitule", "date_ouverture", "date_signature_prevue", "lieu_signature", "duree_annees"]
    initial = {c: getattr(objet, c) for c in champs} | _initial_version(objet)
    formulaire = ConventionModifierForm(request.POST or None, initial=initial)
    retour = reverse("convention", args=[pk])
    titre = f"Modifier — {objet.titre}"
    fil = chemin(*_liens_convention(objet), courant="Modifier")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        reponse = _ecrire_sous_version(
            request,
            formulaire,
            lambda: services.convention_update(
                convention=objet,
                version=d["version"],
                champs={c: d[c] for c in champs},
                trace=trace_page(request),
            ),
            "Modifications enregistrées.",
            titre,
            retour,
            fil,
        )
        if reponse:
            return reponse
    return _page_formulaire(request, titre, formulaire, retour, fil, bouton="Enregistrer")


@lecture_requise
@require_http_methods(["GET", "POST"])
def convention_ajout_commune(request, pk: int):
    objet = _convention_a_modifier(request, pk)
    formulaire = AjoutCommuneForm(
        request.POST or None, initial=_initial_version(objet) | {"role": "laureate"}
    )
    retour = reverse("convention", args=[pk])
    titre = f"Ajouter une commune — {objet.titre}"
    fil = chemin(*_liens_convention(objet), courant="Ajouter une commune")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        trouvee = resoudre(d["commune"], type="commune", epci=objet.epci_id)
        if trouvee.statut != "resolu":
            trouvee = resoudre(d["commune"], type="commune", departement=objet.departement_suivi_id)
        if trouvee.statut != "resolu":
            proposes = ", ".join(f"{c.nom} ({c.code})" for c in trouvee.candidats[:5])
            formulaire.add_error(
                "commune",
                f"{trouvee.message} {('Candidats : ' + proposes + '. ') if proposes else ''}"
                "Précisez le nom ou donnez le code INSEE.",
            )
        else:
            reponse = _ecrire_sous_version(
                request,
                formulaire,
                lambda: services.convention_add_commune(
                    convention=objet,
                    version=d["version"],
                    commune=Commune.objects.get(code=trouvee.code),
                    role=d["role"],
                    exception=d["exception"],
                    trace=trace_page(request),
                ),
                f"{trouvee.resultat.nom} est ajoutée à la convention.",
                titre,
                retour,
                fil,
            )
            if reponse:
                return reponse
    return _page_formulaire(request, titre, formulaire, retour, fil, bouton="Ajouter")


@lecture_requise
@require_http_methods(["GET", "POST"])
def convention_signature(request, pk: int):
    objet = _convention_a_modifier(request, pk)
    initial = _initial_version(objet) | {
        "etat_qualite": signataires.qualite_etat(objet.departement_suivi),
        "lieu_signature": objet.lieu_signature,
        "date_signature": objet.date_signature_prevue,
    }
    formulaire = SignatureForm(request.POST or None, request.FILES or None, initial=initial)
    retour = reverse("convention", args=[pk])
    titre = f"Enregistrer la signature — {objet.titre}"
    fil = chemin(*_liens_convention(objet), courant="Enregistrer la signature")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        parties = [signataires.signataire_etat(objet.departement_suivi, d["etat_nom"], d["etat_qualite"])]
        if d["collectivites"]:
            parties += signataires.signataires_collectivites(objet)
        reponse = _ecrire_sous_version(
            request,
            formulaire,
            lambda: services.convention_sign(
                convention=objet,
                version=d["version"],
                date_signature=d["date_signature"],
                lieu_signature=d["lieu_signature"],
                signataires=parties,
                document=d["document"],
                trace=trace_page(request),
            ),
            f"Signature du {d['date_signature']:%d/%m/%Y} enregistrée.",
            titre,
            retour,
            fil,
        )
        if reponse:
            return reponse
    return _page_formulaire(
        request, titre, formulaire, retour, fil, bouton="Enregistrer la signature", fichiers=True
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def poste_nouveau(request, slug: str, code: str):
    programme = programme_ou_404(slug)
    dep = departement_ou_404(code)
    exiger(perimetres.peut_ouvrir_poste(request.user, dep.code))
    formulaire = PosteForm(request.POST or None, departement=dep, programme=programme)
    retour = reverse("programme-departement", args=[slug, dep.code])
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        exiger(
            perimetres.peut_enregistrer_poste(request.user, dep.code, list(d["laureats"])),
            "Ce poste couvre des lauréats hors du périmètre de votre compte.",
        )
        genre, _, code_employeur = d["employeur"].partition(":")
        employeur = (
            Epci.objects.get(siren=code_employeur)
            if genre == "epci"
            else Commune.objects.get(code=code_employeur)
        )
        if not perimetres.peut_employer(request.user, employeur):
            formulaire.add_error(
                "employeur",
                f"{employeur.nom} est hors du périmètre de votre compte : choisissez comme employeur une commune "
                "ou un EPCI de votre territoire.",
            )
            return _page_poste(request, programme, dep, formulaire, retour)
        try:
            services.poste_record(
                programme=programme,
                employeur=employeur,
                laureats=list(d["laureats"]),
                nom_titulaire=d["nom_titulaire"],
                date_prise_poste=d["date_prise_poste"],
                date_fin=d["date_fin"],
                cout_annuel_charge=d["cout_annuel_charge"],
                taux_cofinancement=d["taux_cofinancement"],
                montant_cofinancement=d["montant_cofinancement"],
                avec_anah=d["avec_anah"],
                trace=trace_page(request),
            )
        except ValidationError as erreur:
            erreurs_dans_formulaire(formulaire, erreur)
        else:
            messages.success(request, "Le poste de chef de projet est enregistré.")
            return redirect(retour)
    return _page_poste(request, programme, dep, formulaire, retour)


def _page_poste(request, programme, dep, formulaire, retour: str):
    return _page_formulaire(
        request,
        f"Chef de projet — {dep.nom}",
        formulaire,
        retour,
        chemin(*liens_departement(programme, dep), courant="Enregistrer un chef de projet"),
        bouton="Enregistrer le poste",
    )


@lecture_requise
@require_http_methods(["POST"])
def convention_publication(request, pk: int):
    objet = _convention_a_modifier(request, pk)
    publie = request.POST.get("publie") == "1"
    services.publication_definir(objets=[objet], publie=publie, trace=trace_page(request))
    messages.success(request, "La convention est publiée." if publie else "La convention n'est plus publiée.")
    return redirect("convention", pk=pk)
