"""Importer un fichier depuis le site : dépôt, correspondance des colonnes, aperçu ligne par ligne, confirmation."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from pvd.accounts import perimetres
from pvd.actions import selectors as selectors_actions
from pvd.imports import selectors, services
from pvd.imports.colonnes import CHAMPS_TABLEUR, colonnes_du_fichier
from pvd.imports.communiques import (
    COLONNES_PROPOSITION,
    lire_communique,
    proposition_en_tableau,
    texte_du_fichier,
)
from pvd.imports.ecriture import apercu, maquette_apercu
from pvd.imports.pipeline import LIBELLES_STATUTS, ImportRefuse
from pvd.programmes import selectors as registre
from pvd.programmes.models import Convention, Evenement
from pvd.programmes.services import Trace
from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Departement
from pvd.territoires.rapport import accorder
from pvd.travaux import services as travaux
from pvd.travaux.models import Travail
from pvd.travaux.taches import import_executer

from ..forms import ImportForm, MaquetteForm
from .commun import chemin, exiger, lecture_requise, liens_departement

LIGNES_PAR_PAGE = 200  # une page légère même pour 50 000 lignes ; les comptes sont ceux du fichier entier


def _verifier_droit(utilisateur, departement_code: str) -> None:
    if departement_code:
        exiger(perimetres.peut_ecrire_departement(utilisateur, departement_code))
    else:
        exiger(
            perimetres.est_administrateur_national(utilisateur),
            "Un fichier national s'importe par l'équipe nationale, ou pour un seul département.",
        )


@lecture_requise
@require_http_methods(["GET", "POST"])
def depot(request):
    departements = list(perimetres.departements_ecrits(request.user))
    if not departements and not perimetres.est_administrateur_national(request.user):
        raise PermissionDenied("Importer des données est réservé aux préfectures et à l'équipe nationale.")
    formulaire = ImportForm(request.POST or None, request.FILES or None, departements=departements)
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        _verifier_droit(request.user, d["departement"])
        try:
            fichier = services.fichier_deposer(
                auteur=request.user,
                nom=d["fichier"].name,
                contenu=d["fichier"].read(),
                source=d["source"],
                departement=next((dep for dep in departements if dep.code == d["departement"]), None),
            )
        except FichierIllisible as e:
            formulaire.add_error("fichier", f"{e} Rien n'a été gardé.")
        else:
            return redirect("import-apercu", pk=fichier.pk)
    return render(
        request,
        "web/imports/depot.html",
        {
            "title": "Importer un fichier",
            "formulaire": formulaire,
            "breadcrumb_data": chemin(courant="Importer un fichier"),
        },
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def maquette_depot(request, pk):
    """Déposer la maquette financière d'un plan d'action : l'aperçu suit, rien n'est écrit avant la confirmation."""
    convention = _cadre_ou_404(request, pk)
    exiger(perimetres.peut_ecrire_plan(request.user, convention), _refus_ecriture(convention))
    formulaire = MaquetteForm(
        request.POST or None,
        request.FILES or None,
        axes=selectors_actions.axes_du_programme(convention.programme_id),
    )
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        try:
            fichier = services.fichier_deposer(
                auteur=request.user,
                nom=d["fichier"].name,
                contenu=d["fichier"].read(),
                source="maquette",
                departement=convention.departement_suivi,
                convention=convention,
                axe=d["axe"],
            )
        except FichierIllisible as e:
            formulaire.add_error("fichier", f"{e} Rien n'a été gardé.")
        else:
            return redirect("import-apercu", pk=fichier.pk)
    return render(
        request,
        "web/imports/maquette.html",
        {
            "title": f"Importer une maquette financière — {convention.titre}",
            "convention": convention,
            "formulaire": formulaire,
            "breadcrumb_data": chemin(*_liens_plan(convention), courant="Importer une maquette financière"),
        },
    )


def _en_travail_long(request, fichier, **arguments):
    """Un fichier de plus de `PVD_IMPORT_LIGNES_TACHE` lignes s'importe hors de la requête, par `pvd worker` : la
    page de suivi montre son avancement, puis le compte rendu. None pour un fichier plus court (importé tout de
    suite)."""
    lignes = selectors.lignes_du_fichier(fichier)
    if lignes <= settings.PVD_IMPORT_LIGNES_TACHE:
        return None
    travail = travaux.travail_lancer(
        nature=Travail.Nature.IMPORT,
        libelle=f"Import de {fichier.nom}",
        auteur=request.user,
        tache=import_executer,
        fichier_id=str(fichier.pk),
        valides_seulement=bool(request.POST.get("valides_seulement")),
        signature_apercu=request.POST.get("signature") or None,
        **arguments,
    )
    return redirect("travail", pk=travail.pk)


def _cadre_ou_404(request, pk: int) -> Convention:
    convention = registre.convention_detail(pk)
    if (
        convention is None
        or convention.type != Convention.Type.CADRE_ORT
        or not perimetres.conventions_visibles(request.user, Convention.objects.filter(pk=pk)).exists()
    ):
        raise Http404("Ce plan d'action n'existe pas, ou pas dans votre périmètre.")
    return convention


def _liens_plan(convention: Convention) -> list[tuple[str, str]]:
    return [
        *liens_departement(convention.programme, convention.departement_suivi),
        (convention.titre, reverse("convention", args=[convention.pk])),
        ("Plan d'action", reverse("plan-d-action", args=[convention.pk])),
    ]


def _refus_ecriture(convention: Convention) -> str:
    return (
        f"Le plan d'action de {convention.titre} s'écrit par le chef de projet de son territoire : votre compte ne "
        "permet pas d'y importer une maquette financière."
    )


def _apercu_maquette(request, fichier):
    """L'aperçu d'une maquette déposée, et sa confirmation : les mêmes étapes que pour un autre fichier."""
    convention = fichier.convention
    exiger(perimetres.peut_ecrire_plan(request.user, convention), _refus_ecriture(convention))
    contenu, erreur, plan = bytes(fichier.contenu), "", None

    def apercu_du_fichier():
        return maquette_apercu(
            contenu, fichier.nom, convention=convention, auteur=request.user, axe_par_defaut=fichier.axe
        )

    try:
        if request.method == "POST" and request.POST.get("action") == "importer":
            if suivi := _en_travail_long(request, fichier):
                return suivi
            plan = services.fichier_importer(
                fichier=fichier,
                trace=Trace(auteur=request.user, canal=Evenement.Canal.IMPORT),
                correspondance=None,
                valides_seulement=bool(request.POST.get("valides_seulement")),
                signature_apercu=request.POST.get("signature"),
            )
            c = plan.comptes()
            messages.success(
                request,
                f"Maquette importée : {accorder(c['creation'], 'ligne créée', 'lignes créées')}, "
                f"{accorder(c['modification'], 'modifiée')}, {accorder(c['inchange'], 'inchangée')}.",
            )
            return redirect("plan-d-action", pk=convention.pk)
        plan = apercu_du_fichier()
    except (FichierIllisible, ImportRefuse) as e:
        erreur = str(e)
        plan = getattr(e, "plan", None)
        if plan is None and isinstance(e, ImportRefuse):
            try:
                plan = apercu_du_fichier()
            except (FichierIllisible, ImportRefuse):
                plan = None
    return render(
        request,
        "web/imports/apercu.html",
        {
            "title": f"Aperçu de l'import — {fichier.nom}",
            "fichier": fichier,
            "maquette": True,
            "plan": plan,
            "page": Paginator(plan.lignes, LIGNES_PAR_PAGE).get_page(
                request.POST.get("page") or request.GET.get("page")
            )
            if plan
            else None,
            "erreur": erreur,
            "libelles": LIBELLES_STATUTS,
            "breadcrumb_data": chemin(
                *_liens_plan(convention),
                ("Importer une maquette financière", reverse("plan-d-action-import", args=[convention.pk])),
                courant=fichier.nom,
            ),
        },
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def apercu_import(request, pk):
    fichier = selectors.fichier_en_attente(pk=pk, auteur=request.user)
    if fichier is None:
        raise Http404("Ce fichier n'existe pas, ou a déjà été importé.")
    if fichier.source == "maquette":
        return _apercu_maquette(request, fichier)
    _verifier_droit(request.user, fichier.departement_id or "")
    contenu = bytes(fichier.contenu)
    erreur, titres, correspondance = "", [], None
    try:
        if fichier.source == "tableur":
            titres = colonnes_du_fichier(contenu, fichier.nom, fichier.source)
            correspondance = selectors.correspondance_retenue(
                fichier, titres, _correspondance_saisie(request, titres)
            )
    except FichierIllisible as e:
        erreur = str(e)
    choix = {cle[6:]: valeur for cle, valeur in request.POST.items() if cle.startswith("choix_") and valeur}
    plan = None
    if not erreur:
        options = {"correspondance": correspondance, "choix": choix}
        try:
            if request.method == "POST" and request.POST.get("action") == "importer":
                if suivi := _en_travail_long(request, fichier, **options):
                    return suivi
                plan = services.fichier_importer(
                    fichier=fichier,
                    trace=Trace(auteur=request.user, canal=Evenement.Canal.IMPORT),
                    valides_seulement=bool(request.POST.get("valides_seulement")),
                    signature_apercu=request.POST.get("signature"),
                    **options,
                )
                c = plan.comptes()
                messages.success(
                    request,
                    f"Import réalisé : {accorder(c['creation'], 'ligne créée', 'lignes créées')}, "
                    f"{accorder(c['modification'], 'modifiée')}, {accorder(c['inchange'], 'inchangée')}.",
                )
                if fichier.departement_id:
                    return redirect(
                        "programme-departement", slug=plan.programme.slug, code=fichier.departement_id
                    )
                return redirect("tableau-de-bord", slug=plan.programme.slug)
            plan = apercu(
                contenu,
                fichier.nom,
                fichier.source,
                departement=fichier.departement,
                auteur=request.user,
                **options,
            )
        except (FichierIllisible, ImportRefuse) as e:
            erreur = str(e)
            # Un import refusé porte son plan (les lignes refusées) : on le montre sans refaire l'aperçu ; sans plan
            # (le registre a changé depuis l'aperçu), l'aperçu est refait pour montrer le registre d'aujourd'hui.
            plan = getattr(e, "plan", None)
            if plan is None and isinstance(e, ImportRefuse):
                try:
                    plan = apercu(
                        contenu,
                        fichier.nom,
                        fichier.source,
                        departement=fichier.departement,
                        auteur=request.user,
                        **options,
                    )
                except (FichierIllisible, ImportRefuse):
                    plan = None
    return render(
        request,
        "web/imports/apercu.html",
        {
            "title": f"Aperçu de l'import — {fichier.nom}",
            "fichier": fichier,
            "plan": plan,
            "page": Paginator(plan.lignes, LIGNES_PAR_PAGE).get_page(
                request.POST.get("page") or request.GET.get("page")
            )
            if plan
            else None,
            "erreur": erreur,
            "titres": titres,
            "correspondance": correspondance or {},
            "champs": CHAMPS_TABLEUR,
            "libelles": LIBELLES_STATUTS,
            "choix": choix,
            "breadcrumb_data": chemin(("Importer un fichier", reverse("imports")), courant=fichier.nom),
        },
    )


def _correspondance_saisie(request, titres: list[str]) -> dict[str, str] | None:
    """La correspondance choisie dans le formulaire (`colonne_<i>` : le champ de la i-ème colonne), s'il y en a une."""
    if request.method == "POST" and any(k.startswith("colonne_") for k in request.POST):
        return {
            titre: request.POST.get(f"colonne_{i}", "")
            for i, titre in enumerate(titres)
            if request.POST.get(f"colonne_{i}", "") in CHAMPS_TABLEUR
        }
    return None


@lecture_requise
@require_http_methods(["GET", "POST"])
def lire_communique_page(request):
    """Coller un communiqué (ou le déposer) : la proposition surlignée ; confirmée, elle passe par l'import commun."""
    departements = list(perimetres.departements_ecrits(request.user))
    if not departements:
        raise PermissionDenied("Importer des données est réservé aux préfectures et à l'équipe nationale.")
    texte = request.POST.get("texte", "")
    code = (
        request.POST.get("departement", "")
        if request.method == "POST"
        else _departement_propre(request.user, departements)
    )
    erreur, proposition, surligne = "", None, ""
    if request.method == "POST" and request.FILES.get("fichier"):
        depose = request.FILES["fichier"]
        try:
            texte = texte_du_fichier(depose.read(), depose.name)
        except FichierIllisible as e:
            erreur = str(e)
    if request.method == "POST" and texte.strip() and not erreur:
        if code:
            _verifier_droit(request.user, code)
        proposition = lire_communique(texte[:100_000], code)
        surligne = surligner(proposition["texte"], proposition)
        if request.POST.get("action") == "confirmer":
            gardees = set(request.POST.getlist("garder"))
            for convention in proposition["conventions"]:
                convention["communes"] = [c for c in convention["communes"] if c["insee"] in gardees]
            departement = Departement.objects.filter(code=proposition["departement"] or code).first()
            if departement is None:
                erreur = "Indiquez le département du communiqué."
            else:
                _verifier_droit(request.user, departement.code)
                fichier = services.fichier_deposer(
                    auteur=request.user,
                    nom=f"communique-{departement.code}-{proposition['date'] or 'sans-date'}.csv",
                    contenu=proposition_en_tableau(proposition),
                    source="tableur",
                    departement=departement,
                    correspondance=COLONNES_PROPOSITION,
                )
                return redirect("import-apercu", pk=fichier.pk)
    return render(
        request,
        "web/imports/communique.html",
        {
            "title": "Lire un communiqué de presse",
            "texte": texte,
            "departements": departements,
            "code": code,
            "proposition": proposition,
            "surligne": surligne,
            "erreur": erreur,
            "breadcrumb_data": chemin(
                ("Importer un fichier", reverse("imports")), courant="Lire un communiqué"
            ),
        },
    )


def _departement_propre(utilisateur, departements: list) -> str:
    """Le département choisi d'avance : celui du compte (le premier s'il en a plusieurs) ; sans département propre
    (équipe nationale), aucun : le service le reconnaît dans le communiqué (« le préfet du Lot »)."""
    propres = perimetres.perimetre_de(utilisateur).departements
    codes = [d.code for d in departements]
    return next((code for code in codes if code in propres), codes[0] if len(codes) == 1 else "")


def surligner(texte: str, proposition: dict) -> str:
    """Le texte échappé, les noms reconnus entourés de <mark> : on voit d'où vient chaque commune."""
    spans = sorted((c["debut"], c["fin"]) for conv in proposition["conventions"] for c in conv["communes"])
    morceaux, position = [], 0
    for debut, fin in spans:
        if debut < position:
            continue
        morceaux.append(escape(texte[position:debut]))
        morceaux.append(f"<mark>{escape(texte[debut:fin])}</mark>")
        position = fin
    morceaux.append(escape(texte[position:]))
    return mark_safe("".join(morceaux))  # chaque morceau de texte est échappé ci-dessus
