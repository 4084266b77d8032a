"""Pages du plan d'action : le plan d'une convention-cadre (fiches par axe, coûts, financement par financeur, états),
la page d'une fiche (plan de financement qui s'additionne, indicateurs, étapes, historique), et les formulaires qui
écrivent par les services de `pvd.actions` (fiche, état daté, ligne de financement sous verrou de version ; étapes,
indicateurs et leurs valeurs datées, coûts annuels, qui n'ont pas de version : une étape se marque par l'état voulu,
faite ou à faire, jamais par une bascule, et un coût annuel redéfini le dit).

Le registre interne demande une connexion ; le plan publié d'une convention publiée se lit aussi sans compte
(`plan_public`), sans les lignes encore envisagées. L'annexe « plan d'action » (DOCX, PDF) se télécharge de l'une ou
l'autre page, avec ce que la page montre.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pvd.accounts import perimetres
from pvd.actions import regles, selectors, services
from pvd.actions.models import EtapeAction, FicheAction, Indicateur, Organisation, StatutLigne
from pvd.programmes import selectors as registre
from pvd.programmes.models import Convention
from pvd.publication import annexe
from pvd.publication.rendus import ExportIndisponible
from pvd.territoires.models import Commune, Epci

from ..forms_actions import (
    CoutAnnuelForm,
    EtapeForm,
    EtapeMarquerForm,
    EtatForm,
    FicheForm,
    FicheModifierForm,
    IndicateurForm,
    LigneForm,
    LigneModifierForm,
    ValeurIndicateurForm,
)
from .commun import (
    chemin,
    ecrire_sous_version,
    erreurs_dans_formulaire,
    exiger,
    jour_demande,
    lecture_requise,
    liens_departement,
    piece_jointe,
    programme_ou_404,
    trace_page,
)

# Les champs saisis tels quels ; le maître d'ouvrage et le financeur se désignent à part (`_designation`).
CHAMPS_FICHE = services.CHAMPS_FICHE - {"maitre_ouvrage"}
CHAMPS_LIGNE = services.CHAMPS_LIGNE - {"financeur"}
FORMATS_ANNEXE = [("docx", "DOCX (Word, LibreOffice)"), ("pdf", "PDF")]


def _cadre_ou_404(request, pk: int) -> Convention:
    convention = registre.convention_detail(pk)
    if (
        convention is None
        or convention.type != Convention.Type.CADRE_ORT
        or not perimetres.conventions_visibles(request.user, Convention.objects.filter(pk=pk)).exists()
    ):
        raise Http404("Ce plan d'action n'existe pas, ou pas dans votre périmètre.")
    return convention


def _fiche_ou_404(request, pk: int) -> FicheAction:
    fiche = selectors.fiche_detail(pk)
    if (
        fiche is None
        or not perimetres.fiches_visibles(request.user, FicheAction.objects.filter(pk=pk)).exists()
    ):
        raise Http404("Cette fiche action n'existe pas, ou pas dans votre périmètre.")
    return fiche


def _liens_plan(convention: Convention) -> list[tuple[str, str]]:
    return [
        *liens_departement(convention.programme, convention.departement_suivi),
        (convention.titre, reverse("convention", args=[convention.pk])),
        ("Plan d'action", reverse("plan-d-action", args=[convention.pk])),
    ]


def _liens_fiche(fiche: FicheAction) -> list[tuple[str, str]]:
    return [
        *_liens_plan(fiche.convention),
        (f"Fiche {fiche.numero}", reverse("fiche-action", args=[fiche.pk])),
    ]


def _refus_ecriture(convention: Convention) -> str:
    return (
        f"Le plan d'action de {convention.titre} s'écrit par le chef de projet de son territoire : votre compte ne "
        "permet pas de le modifier."
    )


@lecture_requise
def plan_d_action(request, pk: int):
    convention = _cadre_ou_404(request, pk)
    au, _ = jour_demande(request)
    return render(
        request,
        "web/actions/plan.html",
        {
            "title": f"Plan d'action — {convention.titre}",
            "convention": convention,
            "plan": selectors.plan_d_action(convention, au),
            "au": au,
            "peut_ecrire": perimetres.peut_ecrire_plan(request.user, convention),
            "formats_annexe": FORMATS_ANNEXE,
            "breadcrumb_data": chemin(*_liens_plan(convention)[:-1], courant="Plan d'action"),
        },
    )


def _annexe(convention: Convention, au, format: str, publique: bool) -> HttpResponse:
    if format not in annexe.FORMATS:
        raise Http404("L'annexe existe en DOCX et en PDF.")
    try:
        contenu = annexe.rendre(annexe.annexe_plan(convention, au, publique=publique), format)
    except ExportIndisponible as erreur:
        return HttpResponse(str(erreur), status=503, content_type="text/plain; charset=utf-8")
    reponse = HttpResponse(contenu, content_type=annexe.FORMATS[format])
    reponse["Content-Disposition"] = piece_jointe(annexe.nom_de_fichier(convention, au, format, publique))
    return reponse


@lecture_requise
def plan_annexe(request, pk: int, format: str):
    """L'annexe « plan d'action » telle que la page la montre à ce compte (demandes envisagées comprises)."""
    convention = _cadre_ou_404(request, pk)
    return _annexe(convention, jour_demande(request)[0], format, publique=False)


def _cadre_publie_ou_404(slug: str, pk: int) -> Convention:
    programme = programme_ou_404(slug)
    convention = registre.convention_detail(pk)
    if convention is None or convention.programme_id != programme.pk or not convention.publie:
        raise Http404("Ce plan d'action n'est pas publié.")
    if convention.type != Convention.Type.CADRE_ORT:
        raise Http404("Seule une convention-cadre a un plan d'action.")
    return convention


def plan_public_annexe(request, slug: str, pk: int, format: str):
    """L'annexe d'une convention-cadre publiée, pour tous : jamais une demande encore envisagée."""
    convention = _cadre_publie_ou_404(slug, pk)
    return _annexe(convention, jour_demande(request)[0], format, publique=True)


def plan_public(request, slug: str, pk: int):
    """Le plan d'une convention-cadre publiée, pour tous : jamais les lignes encore envisagées."""
    convention = _cadre_publie_ou_404(slug, pk)
    programme = convention.programme
    au, _ = jour_demande(request)
    return render(
        request,
        "web/actions/plan.html",
        {
            "title": f"Plan d'action — {convention.titre}",
            "convention": convention,
            "plan": selectors.plan_d_action(convention, au, publique=True),
            "au": au,
            "public": True,
            "formats_annexe": FORMATS_ANNEXE,
            "breadcrumb_data": chemin(
                (f"{programme.nom} — données publiques", reverse("public-programme", args=[programme.slug])),
                courant=f"Plan d'action — {convention.titre}",
            ),
        },
    )


@lecture_requise
def fiche(request, pk: int):
    objet = _fiche_ou_404(request, pk)
    au, _ = jour_demande(request)
    plan = regles.plan(objet, au)
    lignes = [
        (
            ligne,
            statut,
            perimetres.peut_modifier_ligne(request.user, ligne)
            or perimetres.peut_decider_ligne(request.user, ligne),
        )
        for ligne, statut in plan.lignes
    ]
    return render(
        request,
        "web/actions/fiche.html",
        {
            "title": f"Fiche action {objet.numero} — {objet.intitule}",
            "fiche": objet,
            "au": au,
            "etat": objet.etat_au(au),
            "plan": plan,
            "lignes": lignes,
            "statuts": dict(StatutLigne.choices),
            "avertissements": regles.avertissements(objet, au, plan),
            "historique": selectors.historique_de_fiche(objet)[:50],
            "peut_ecrire": perimetres.peut_ecrire_plan(request.user, objet.convention),
            "peut_ajouter_ligne": perimetres.peut_ajouter_ligne(request.user, objet),
            "breadcrumb_data": chemin(*_liens_fiche(objet)[:-1], courant=f"Fiche {objet.numero}"),
        },
    )


def _page(request, titre: str, formulaire, retour: str, fil: dict, **contexte):
    return render(
        request,
        "web/actions/formulaire.html",
        {"title": titre, "formulaire": formulaire, "retour": retour, "breadcrumb_data": fil, **contexte},
    )


def _designation(formulaire, champ: str):
    """Ce que le formulaire désigne (commune, EPCI, organisation, ou une nouvelle à décrire), lu sans écrire."""
    saisie = formulaire.organisation_saisie(champ)
    if isinstance(saisie, dict):
        return saisie
    genre, cle = saisie
    if genre == "commune":
        return Commune.objects.filter(code=cle).first()
    if genre == "epci":
        return Epci.objects.filter(siren=cle).first()
    return Organisation.objects.filter(pk=cle).first()


def _ecrire(request, formulaire, ecriture, succes: str, titre: str, retour: str, fil: dict):
    """Une écriture sous verrou de version ; devancée, la page garde la saisie et prend la version actuelle."""

    def conflit(erreur):
        donnees = formulaire.data.copy()
        donnees["version"] = erreur.actuelle.version
        formulaire.data = donnees
        return _page(
            request, titre, formulaire, retour, fil, conflit=str(erreur), bouton="Enregistrer quand même"
        )

    return ecrire_sous_version(request, formulaire, ecriture, succes, retour, conflit)


def _choix_fiche(convention: Convention) -> dict:
    return {
        "convention": convention,
        "axes": selectors.axes_du_programme(convention.programme_id),
        "organisations": selectors.organisations(),
    }


def _valeur_mo(objet: FicheAction) -> str:
    mo = objet.maitre_ouvrage
    if mo.commune_id:
        return f"commune:{mo.commune_id}"
    if mo.epci_id:
        return f"epci:{mo.epci_id}"
    return f"organisation:{mo.pk}"


@lecture_requise
@require_http_methods(["GET", "POST"])
def fiche_nouvelle(request, pk: int):
    convention = _cadre_ou_404(request, pk)
    exiger(perimetres.peut_ecrire_plan(request.user, convention), _refus_ecriture(convention))
    formulaire = FicheForm(request.POST or None, **_choix_fiche(convention))
    retour = reverse("plan-d-action", args=[pk])
    titre = f"Nouvelle fiche action — {convention.titre}"
    fil = chemin(*_liens_plan(convention), courant="Nouvelle fiche")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        try:
            objet = services.fiche_create(
                convention=convention,
                maitre_ouvrage=_designation(formulaire, "maitre_ouvrage"),
                communes=list(Commune.objects.filter(code__in=d["communes"])),
                partenaires=list(d["partenaires"]),
                trace=trace_page(request),
                **{c: d[c] for c in CHAMPS_FICHE},
            )
        except ValidationError as erreur:
            erreurs_dans_formulaire(formulaire, erreur)
        else:
            messages.success(request, f"Fiche action {objet.numero} ajoutée au plan d'action.")
            return redirect("fiche-action", objet.pk)
    return _page(request, titre, formulaire, retour, fil, bouton="Créer la fiche")


@lecture_requise
@require_http_methods(["GET", "POST"])
def fiche_modifier(request, pk: int):
    objet = _fiche_ou_404(request, pk)
    exiger(perimetres.peut_ecrire_plan(request.user, objet.convention), _refus_ecriture(objet.convention))
    initial = {c: getattr(objet, c) for c in CHAMPS_FICHE} | {
        "version": objet.version,
        "maitre_ouvrage": _valeur_mo(objet),
        "communes": [c.code for c in objet.communes.all()],
        "partenaires": list(objet.partenaires.all()),
    }
    formulaire = FicheModifierForm(request.POST or None, initial=initial, **_choix_fiche(objet.convention))
    retour = reverse("fiche-action", args=[pk])
    titre = f"Modifier la fiche action {objet.numero}"
    fil = chemin(*_liens_fiche(objet), courant="Modifier")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        reponse = _ecrire(
            request,
            formulaire,
            lambda: services.fiche_update(
                fiche=objet,
                version=d["version"],
                champs={c: d[c] for c in CHAMPS_FICHE}
                | {"maitre_ouvrage": _designation(formulaire, "maitre_ouvrage")},
                communes=list(Commune.objects.filter(code__in=d["communes"])),
                partenaires=list(d["partenaires"]),
                trace=trace_page(request),
            ),
            "Modifications enregistrées.",
            titre,
            retour,
            fil,
        )
        if reponse:
            return reponse
    return _page(request, titre, formulaire, retour, fil, bouton="Enregistrer")


@lecture_requise
@require_http_methods(["GET", "POST"])
def fiche_etat(request, pk: int):
    objet = _fiche_ou_404(request, pk)
    exiger(perimetres.peut_ecrire_plan(request.user, objet.convention), _refus_ecriture(objet.convention))
    formulaire = EtatForm(request.POST or None, initial={"version": objet.version, "etat": objet.etat})
    retour = reverse("fiche-action", args=[pk])
    titre = f"Changer l'état de la fiche action {objet.numero}"
    fil = chemin(*_liens_fiche(objet), courant="Changer l'état")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        reponse = _ecrire(
            request,
            formulaire,
            lambda: services.fiche_etat_changer(
                fiche=objet,
                version=d["version"],
                etat=d["etat"],
                jour=d["jour"],
                motif=d["motif"],
                date_fin_reelle=d["date_fin_reelle"],
                trace=trace_page(request),
            ),
            "État enregistré.",
            titre,
            retour,
            fil,
        )
        if reponse:
            return reponse
    return _page(request, titre, formulaire, retour, fil, bouton="Enregistrer")


@lecture_requise
@require_http_methods(["GET", "POST"])
def ligne_nouvelle(request, pk: int):
    objet = _fiche_ou_404(request, pk)
    exiger(perimetres.peut_ajouter_ligne(request.user, objet), _refus_ecriture(objet.convention))
    organisation = perimetres.perimetre_de(request.user).organisation
    formulaire = LigneForm(
        request.POST or None,
        initial={"financeur": f"organisation:{organisation}"} if organisation else None,
        organisations=list(selectors.organisations()),
        maitre_ouvrage=objet.maitre_ouvrage,
    )
    retour = reverse("fiche-action", args=[pk])
    titre = f"Nouvelle ligne de financement — fiche action {objet.numero}"
    fil = chemin(*_liens_fiche(objet), courant="Nouvelle ligne de financement")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        champs = {c: d[c] for c in CHAMPS_LIGNE} | {"financeur": _designation(formulaire, "financeur")}
        refus = perimetres.refus_ecriture_ligne(request.user, objet, champs)
        exiger(refus is None, refus)
        reponse = _ecrire(
            request,
            formulaire,
            lambda: services.ligne_create(fiche=objet, trace=trace_page(request), **champs),
            "Ligne de financement ajoutée.",
            titre,
            retour,
            fil,
        )
        if reponse:
            return reponse
    return _page(request, titre, formulaire, retour, fil, bouton="Ajouter la ligne")


@lecture_requise
@require_http_methods(["GET", "POST"])
def ligne_modifier(request, pk: int):
    ligne = selectors.ligne_detail(pk)
    if (
        ligne is None
        or not perimetres.fiches_visibles(
            request.user, FicheAction.objects.filter(pk=ligne.fiche_id)
        ).exists()
    ):
        raise Http404("Cette ligne de financement n'existe pas, ou pas dans votre périmètre.")
    exiger(
        perimetres.peut_modifier_ligne(request.user, ligne)
        or perimetres.peut_decider_ligne(request.user, ligne),
        "Votre compte ne permet pas de modifier cette ligne de financement.",
    )
    fiche_ = ligne.fiche
    initial = {c: getattr(ligne, c) for c in CHAMPS_LIGNE} | {
        "version": ligne.version,
        "financeur": f"organisation:{ligne.financeur_id}",
    }
    formulaire = LigneModifierForm(
        request.POST or None,
        initial=initial,
        organisations=list(selectors.organisations()),
        maitre_ouvrage=fiche_.maitre_ouvrage,
    )
    retour = reverse("fiche-action", args=[fiche_.pk])
    titre = f"Modifier la ligne {ligne.financeur.nom} — fiche action {fiche_.numero}"
    fil = chemin(*_liens_fiche(fiche_), courant="Modifier une ligne de financement")
    if request.method == "POST" and formulaire.is_valid():
        d = formulaire.cleaned_data
        champs = {c: d[c] for c in CHAMPS_LIGNE} | {"financeur": _designation(formulaire, "financeur")}
        refus = perimetres.refus_ecriture_ligne(request.user, fiche_, champs, ligne=ligne)
        exiger(refus is None, refus)
        reponse = _ecrire(
            request,
            formulaire,
            lambda: services.ligne_update(
                ligne=ligne, version=d["version"], champs=champs, trace=trace_page(request)
            ),
            "Ligne de financement enregistrée.",
            titre,
            retour,
            fil,
        )
        if reponse:
            return reponse
    return _page(request, titre, formulaire, retour, fil, bouton="Enregistrer")


# Étapes, indicateurs, coûts annuels : le chef de projet du territoire (`peut_ecrire_plan`), depuis la page de la fiche.


def _fiche_ecrite(request, pk: int) -> FicheAction:
    objet = _fiche_ou_404(request, pk)
    exiger(perimetres.peut_ecrire_plan(request.user, objet.convention), _refus_ecriture(objet.convention))
    return objet


def _saisie_simple(request, objet: FicheAction, formulaire, ecriture, succes: str, titre: str, courant: str):
    """Un formulaire sans version : valide, l'écriture par le service et le retour à la fiche ; refusé par une règle,
    la page et l'erreur sous le champ."""
    retour = reverse("fiche-action", args=[objet.pk]) + "#suivi"
    if request.method == "POST" and formulaire.is_valid():
        try:
            resultat = ecriture(formulaire.cleaned_data)
        except ValidationError as erreur:
            erreurs_dans_formulaire(formulaire, erreur)
        else:
            messages.success(request, resultat if isinstance(resultat, str) else succes)
            return redirect(retour)
    fil = chemin(*_liens_fiche(objet), courant=courant)
    return _page(request, titre, formulaire, retour, fil, bouton="Enregistrer")


@lecture_requise
@require_http_methods(["GET", "POST"])
def etape_nouvelle(request, pk: int):
    objet = _fiche_ecrite(request, pk)
    return _saisie_simple(
        request,
        objet,
        EtapeForm(request.POST or None),
        lambda d: services.etape_ajouter(
            fiche=objet, intitule=d["intitule"], date_prevue=d["date_prevue"], trace=trace_page(request)
        ),
        "Étape ajoutée.",
        f"Nouvelle étape — fiche action {objet.numero}",
        "Nouvelle étape",
    )


@lecture_requise
@require_http_methods(["POST"])
def etape_marquer(request, pk: int):
    etape = EtapeAction.objects.select_related("fiche").filter(pk=pk).first()
    if etape is None:
        raise Http404("Cette étape n'existe pas, ou pas dans votre périmètre.")
    objet = _fiche_ecrite(request, etape.fiche_id)
    formulaire = EtapeMarquerForm(request.POST)
    retour = reverse("fiche-action", args=[objet.pk]) + "#suivi"
    if not formulaire.is_valid():
        messages.error(
            request,
            "L'étape n'a pas été modifiée : "
            + " ".join(formulaire.errors.get("faite", []) + formulaire.errors.get("jour", [])),
        )
        return redirect(retour)
    d = formulaire.cleaned_data
    if etape.faite != d["faite"]:
        try:
            services.etape_marquer(etape=etape, faite=d["faite"], jour=d["jour"], trace=trace_page(request))
        except ValidationError as erreur:
            messages.error(request, "L'étape n'a pas été modifiée : " + " ".join(erreur.messages))
            return redirect(retour)
    etat = "faite" if d["faite"] else "à faire"
    messages.success(request, f"Étape « {etape.intitule} » marquée {etat}.")
    return redirect(retour)


@lecture_requise
@require_http_methods(["GET", "POST"])
def indicateur_nouveau(request, pk: int):
    objet = _fiche_ecrite(request, pk)
    return _saisie_simple(
        request,
        objet,
        IndicateurForm(request.POST or None),
        lambda d: services.indicateur_ajouter(fiche=objet, trace=trace_page(request), **d),
        "Indicateur ajouté.",
        f"Nouvel indicateur — fiche action {objet.numero}",
        "Nouvel indicateur",
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def valeur_indicateur_nouvelle(request, pk: int):
    indicateur = Indicateur.objects.filter(pk=pk).first()
    if indicateur is None:
        raise Http404("Cet indicateur n'existe pas, ou pas dans votre périmètre.")
    objet = _fiche_ecrite(request, indicateur.fiche_id)
    return _saisie_simple(
        request,
        objet,
        ValeurIndicateurForm(request.POST or None),
        lambda d: services.valeur_indicateur_ajouter(indicateur=indicateur, trace=trace_page(request), **d),
        "Valeur enregistrée.",
        f"Nouvelle valeur de l'indicateur « {indicateur.nom} » — fiche action {objet.numero}",
        "Nouvelle valeur d'indicateur",
    )


@lecture_requise
@require_http_methods(["GET", "POST"])
def cout_annuel(request, pk: int):
    objet = _fiche_ecrite(request, pk)

    def definir(d) -> str:
        existant = objet.couts.filter(annee=d["annee"], nature=d["nature"]).exists()
        services.cout_annuel_definir(fiche=objet, trace=trace_page(request), **d)
        nature = "d'investissement" if d["nature"] == "investissement" else "de fonctionnement"
        if existant:
            return f"Coût {nature} {d['annee']} remplacé par la nouvelle saisie."
        return f"Coût {nature} {d['annee']} enregistré."

    return _saisie_simple(
        request,
        objet,
        CoutAnnuelForm(request.POST or None),
        definir,
        "",
        f"Coût d'une année — fiche action {objet.numero}",
        "Coût d'une année",
    )
