"""Lectures du plan d'action, en un nombre fixe de requêtes quel que soit le nombre de fiches et de lignes.

`plan_d_action(convention, jour)` : les fiches qui existaient à la date, rangées par axe, avec leur état d'alors, leur
plan de financement d'alors et ses avertissements ; `fiche_detail` : une fiche et tout ce qu'elle porte.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from pvd.accounts import perimetres
from pvd.programmes.jalons import EcheanceAjoutee
from pvd.programmes.models import Convention, Evenement, Programme

from . import regles
from .models import (
    ETATS_CLOS,
    Axe,
    ChangementEtat,
    Dispositif,
    Etat,
    FicheAction,
    Indicateur,
    LigneFinancement,
    Organisation,
    StatutLigne,
    etat_au_sql,
    fin_passee_q,
)


def fiches(qs: QuerySet | None = None) -> QuerySet[FicheAction]:
    """Les fiches avec ce qu'une page en montre, préchargé."""
    qs = FicheAction.objects.all() if qs is None else qs
    return qs.select_related("axe", "maitre_ouvrage", "convention", "avenant").prefetch_related(
        "communes",
        "partenaires",
        Prefetch("changements_etat", queryset=ChangementEtat.objects.order_by("date", "pk")),
        Prefetch(
            "lignes",
            queryset=LigneFinancement.objects.select_related("financeur", "dispositif").order_by("pk"),
        ),
    )


def axes_du_programme(programme_id: int) -> QuerySet[Axe]:
    return Axe.objects.filter(Q(programme__isnull=True) | Q(programme_id=programme_id)).order_by(
        "ordre", "pk"
    )


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("nom")


def dispositifs_actifs() -> QuerySet[Dispositif]:
    return Dispositif.objects.filter(actif=True).select_related("financeur").order_by("ordre", "nom")


@dataclass
class LigneDuPlan:
    fiche: FicheAction
    etat: str
    plan: regles.Plan
    avertissements: list[str]
    en_retard: bool

    @property
    def etat_libelle(self) -> str:
        return Etat(self.etat).label


@dataclass
class GroupeAxe:
    axe: Axe
    lignes: list[LigneDuPlan] = field(default_factory=list)

    @property
    def cout(self) -> Decimal:
        return sum((ligne.fiche.cout_reference or Decimal(0) for ligne in self.lignes), Decimal(0))


@dataclass
class PlanDAction:
    convention: Convention
    jour: date
    groupes: list[GroupeAxe]
    par_financeur: list[tuple[Organisation, Decimal, dict[str, Decimal]]]
    par_etat: list[tuple[str, int]]
    cout: Decimal
    finance: Decimal

    @property
    def nombre(self) -> int:
        return sum(len(g.lignes) for g in self.groupes)


def plan_d_action(convention: Convention, jour: date, publique: bool = False) -> PlanDAction:
    """Le plan à la date `jour` (`publique` : sans les lignes encore envisagées). Quatre requêtes de fiches plus une
    d'axes, quel que soit le nombre de fiches."""
    liste = list(fiches(FicheAction.objects.filter(convention=convention).existantes_au(jour)))
    groupes: dict[int, GroupeAxe] = {}
    par_financeur: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    financeurs: dict[int, Organisation] = {}
    etats: dict[str, int] = defaultdict(int)
    cout = finance = Decimal(0)
    for fiche in sorted(liste, key=lambda f: [int(p) if p.isdigit() else p for p in f.numero.split(".")]):
        etat = fiche.etat_au(jour)
        plan = regles.plan(fiche, jour, publique=publique)
        ligne = LigneDuPlan(
            fiche,
            etat,
            plan,
            [] if publique else regles.avertissements(fiche, jour, plan),
            fiche.en_retard_au(jour),
        )
        groupes.setdefault(fiche.axe_id, GroupeAxe(fiche.axe)).lignes.append(ligne)
        etats[etat] += 1
        cout += fiche.cout_reference or Decimal(0)
        finance += plan.total
        for objet, statut in plan.lignes:
            financeurs[objet.financeur_id] = objet.financeur
            par_financeur[objet.financeur_id][statut] += objet.montant
    ordre_etats = list(Etat.values)
    return PlanDAction(
        convention=convention,
        jour=jour,
        groupes=sorted(groupes.values(), key=lambda g: (g.axe.ordre, g.axe.pk)),
        par_financeur=sorted(
            (
                (
                    financeurs[pk],
                    sum((m for s, m in montants.items() if s != StatutLigne.REFUSEE), Decimal(0)),
                    dict(montants),
                )
                for pk, montants in par_financeur.items()
            ),
            key=lambda t: (-t[1], t[0].nom),
        ),
        par_etat=[
            (Etat(etat).label, nombre)
            for etat, nombre in sorted(etats.items(), key=lambda paire: ordre_etats.index(paire[0]))
        ],
        cout=cout,
        finance=finance,
    )


def fiche_detail(pk: int) -> FicheAction | None:
    return (
        fiches(FicheAction.objects.filter(pk=pk))
        .select_related("convention__epci", "convention__departement_suivi", "convention__programme")
        .prefetch_related(
            "etapes",
            "couts",
            Prefetch("indicateurs", queryset=Indicateur.objects.prefetch_related("valeurs")),
        )
        .first()
    )


def ligne_detail(pk: int) -> LigneFinancement | None:
    return (
        LigneFinancement.objects.select_related(
            "financeur", "dispositif", "fiche__convention__departement_suivi", "fiche__maitre_ouvrage"
        )
        .filter(pk=pk)
        .first()
    )


def historique_de_fiche(fiche: FicheAction) -> QuerySet[Evenement]:
    """Le journal de la fiche et de ses lignes de financement, les plus récents d'abord."""
    lignes = [str(pk) for pk in fiche.lignes.values_list("pk", flat=True)]
    return (
        Evenement.objects.filter(
            Q(objet_type="ficheaction", objet_id=str(fiche.pk))
            | Q(objet_type="lignefinancement", objet_id__in=lignes)
        )
        .select_related("auteur")
        .order_by("-fait_le", "-pk")
    )


def fiches_en_retard(fiches_qs: QuerySet[FicheAction], jour: date) -> list[FicheAction]:
    """Les fiches passées leur fin prévue et ni réalisées ni abandonnées à la date (la règle de
    `FicheAction.en_retard_au`, lue dans la base), la plus ancienne fin d'abord, avec leur état à la date
    (`etat_au_jour`) ; une requête."""
    return list(
        fiches_qs.existantes_au(jour)
        .filter(fin_passee_q(jour))
        .annotate(etat_au_jour=etat_au_sql(jour))
        .exclude(etat_au_jour__in=[e.value for e in ETATS_CLOS])
        .select_related("convention", "convention__epci")
        .order_by("date_fin", "pk")
    )


def echeances_du_plan(programme: Programme, au: date, departement: str = "", utilisateur=None) -> list:
    """Les actions en retard du programme (d'un département de suivi ; du périmètre de `utilisateur` s'il est
    donné), comme des échéances des jalons ; une requête."""
    qs = FicheAction.objects.filter(convention__programme=programme)
    if departement:
        qs = qs.filter(convention__departement_suivi_id=departement)
    if utilisateur is not None:
        qs = perimetres.fiches_visibles(utilisateur, qs)
    return [
        EcheanceAjoutee(
            echeance=fiche.fin_prevue_au_plus_tard,
            texte=(
                f"{fiche.convention.epci.nom} : action {fiche.numero} « {fiche.intitule} », fin prévue "
                f"{fiche.fin_prevue_texte}, {Etat(fiche.etat_au_jour).label} — en retard"
            ),
            objet=fiche,
        )
        for fiche in fiches_en_retard(qs, au)
    ]
