"""Les tableaux de bord des plans d'action : national, d'une région, d'un département, tels qu'ils étaient à une date.

Les chiffres que publie l'ANCT (actions par thème, part réalisée, montants engagés par l'État et par chaque
partenaire), les montants demandés, accordés et versés par financeur, dispositif, axe et année, les actions par état,
les actions en retard et les lignes qui attendent une décision.

Tout se compte en SQL, en un nombre fixe de requêtes quel que soit le nombre de fiches et de lignes (40 000 fiches et
150 000 lignes à l'échelle nationale) : les mêmes règles que `FicheAction.etat_au`, `en_retard_au` et
`LigneFinancement.statut_au`, écrites en expressions de base de données.

- l'état d'une fiche à la date : son dernier `ChangementEtat` daté d'avant (à égalité de date, le dernier enregistré),
  « à l'étude » sans changement ;
- en retard : la fin prévue (fin de la période : « 2024 » court jusqu'au 31 décembre) est passée et l'action n'est ni
  réalisée ni abandonnée. « fin de période < jour » se réécrit « date < début de la période du jour » pour chaque
  précision, une comparaison de dates que l'index sert ;
- le statut d'une ligne à la date : versée (versement passé), accordée ou refusée (décision passée), sollicitée,
  sinon envisagée ;
- une fiche ou une ligne existe à partir de `cree_le` (comparé au lendemain à minuit, heure de Paris, plutôt que par
  une conversion de chaque ligne en date : SQLite l'aurait faite en Python, ligne à ligne).

Le périmètre vient de `accounts.perimetres.fiches_visibles` : le public ne lit que les fiches des conventions
publiées, et jamais une ligne encore envisagée.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Left
from django.utils import timezone

from pvd.accounts import perimetres
from pvd.programmes.dates import date_longue, fin_du_jour
from pvd.programmes.fraicheur import cle_en_cache
from pvd.programmes.jalons import EcheanceAjoutee
from pvd.programmes.models import Programme

from .models import (
    ETATS_CLOS,
    Axe,
    Dispositif,
    Etat,
    FicheAction,
    LigneFinancement,
    Organisation,
    StatutLigne,
    etat_au_sql,
    fin_passee_q,
    statut_au_sql,
)
from .regles import euros

DUREE_EN_CACHE = (
    600  # secondes : le filet pour ce qui changerait sans passer par le journal ni l'administration
)
LIMITE_LISTES = 20  # les listes « à faire » d'un tableau : les plus anciennes d'abord, le total à côté
ZERO = Decimal(0)
MONTANT_SQL = DecimalField(max_digits=16, decimal_places=2)


# Expressions SQL des seuls tableaux (les règles des modèles, en SQL, sont dans `models.py`) -----------------


def annee_sql():
    """L'année d'une ligne, pour les montants par année : celle de la décision si elle est prise à la date, sinon
    celle de la demande (vide pour une ligne envisagée ou une demande non datée). Les quatre premiers caractères de
    la date écrite « AAAA-MM-JJ » (SQLite et PostgreSQL l'écrivent ainsi) : l'extraction de l'année, sous SQLite,
    appellerait Python pour chaque ligne."""
    return Left(
        Cast(
            Case(
                When(
                    statut_au__in=[StatutLigne.ACCORDEE, StatutLigne.VERSEE, StatutLigne.REFUSEE],
                    then=F("date_decision"),
                ),
                When(statut_au=StatutLigne.SOLLICITEE, then=F("date_demande")),
                default=None,
            ),
            CharField(),
        ),
        4,
    )


# Les résultats -----------------------------------------------------------------------------------------------------


@dataclass
class Montants:
    """Les montants d'un groupe de lignes, par statut à la date."""

    envisagee: Decimal = ZERO
    sollicitee: Decimal = ZERO
    accordee: Decimal = ZERO
    versee: Decimal = ZERO
    refusee: Decimal = ZERO

    def ajouter(self, statut: str, montant: Decimal | None) -> None:
        setattr(self, statut, getattr(self, statut) + (montant or ZERO))

    @property
    def demande(self) -> Decimal:
        """Tout ce qui a été sollicité, quelle qu'en soit la suite (accordé, versé, refusé ou en attente)."""
        return self.sollicitee + self.accordee + self.versee + self.refusee

    @property
    def engage(self) -> Decimal:
        """Accordé, versé ou non : l'engagement du financeur."""
        return self.accordee + self.versee


@dataclass
class LigneMontants:
    libelle: str
    montants: Montants = field(default_factory=Montants)
    code: str = ""


@dataclass
class Compte:
    nombre: int = 0
    realisees: int = 0
    en_retard: int = 0
    cout: Decimal = ZERO

    @property
    def part_realisees(self) -> Decimal | None:
        return Decimal(self.realisees) / self.nombre if self.nombre else None


@dataclass
class LigneAxe:
    axe: Axe
    compte: Compte = field(default_factory=Compte)
    montants: Montants = field(default_factory=Montants)


@dataclass
class LigneTerritoire:
    code: str
    nom: str
    compte: Compte = field(default_factory=Compte)


@dataclass
class TableauPlans:
    jour: date
    publique: bool
    compte: Compte
    par_etat: list[tuple[str, str, int]]  # (code, libellé, nombre)
    par_axe: list[LigneAxe]
    par_territoire: list[LigneTerritoire]
    par_financeur: list[LigneMontants]
    autofinancement: Montants
    etat_engage: Decimal
    partenaires_engage: Decimal
    par_dispositif: list[LigneMontants]
    par_annee: list[LigneMontants]
    total: Montants
    retards: list[FicheAction]
    en_attente: list[LigneFinancement]


# Les lectures ------------------------------------------------------------------------------------------------------

TERRITOIRES = {
    # portée → (champ du code, champ du nom) du niveau en dessous
    "national": ("convention__departement_suivi__region_id", "convention__departement_suivi__region__nom"),
    "region": ("convention__departement_suivi_id", "convention__departement_suivi__nom"),
    "departement": ("convention__epci_id", "convention__epci__nom"),
}


def _filtre_portee(programme: Programme, jour: date, region: str, departement: str, chemin: str = "") -> Q:
    """Les fiches du programme qui existaient à la date, dans un département de suivi ou une région (`chemin` : le
    chemin vers la fiche)."""
    filtre = Q(**{f"{chemin}convention__programme": programme, f"{chemin}cree_le__lt": fin_du_jour(jour)})
    if departement:
        filtre &= Q(**{f"{chemin}convention__departement_suivi_id": departement})
    elif region:
        filtre &= Q(**{f"{chemin}convention__departement_suivi__region_id": region})
    return filtre


def fiches_de_la_portee(
    programme: Programme, jour: date, region: str = "", departement: str = "", utilisateur=None
) -> QuerySet[FicheAction]:
    """Les fiches du programme qui existaient à la date, dans la portée (un département de suivi, ou ceux d'une
    région) et le périmètre du compte, sans doublon : un filtre de périmètre qui joint les communes d'une convention
    devient une sous-requête, pour que les sommes ne comptent pas deux fois une fiche."""
    qs = FicheAction.objects.filter(_filtre_portee(programme, jour, region, departement))
    visibles = perimetres.fiches_visibles(utilisateur, qs)
    if visibles.query.distinct:
        return FicheAction.objects.filter(pk__in=visibles.order_by().values("pk"))
    return visibles


def lignes_de_la_portee(
    programme: Programme, jour: date, region: str = "", departement: str = "", utilisateur=None
) -> QuerySet[LigneFinancement]:
    """Les lignes des fiches de `fiches_de_la_portee` : par une jointure quand le périmètre se dit sur la fiche
    (deux fois plus rapide sous SQLite), sinon par la sous-requête des fiches."""
    filtre = perimetres.filtre_des_fiches_visibles(utilisateur, chemin="fiche__")
    if filtre is None:
        fiches_qs = fiches_de_la_portee(programme, jour, region, departement, utilisateur)
        return LigneFinancement.objects.filter(fiche__in=fiches_qs.order_by().values("pk"))
    return LigneFinancement.objects.filter(
        filtre, _filtre_portee(programme, jour, region, departement, "fiche__")
    )


def lignes_des_fiches(fiches_qs: QuerySet[FicheAction]) -> QuerySet[LigneFinancement]:
    return LigneFinancement.objects.filter(fiche__in=fiches_qs.order_by().values("pk"))


def lignes_de(lignes: QuerySet[LigneFinancement], jour: date, publique: bool) -> QuerySet[LigneFinancement]:
    """Celles de ces lignes qui existaient à la date, avec leur statut d'alors (`statut_au`) ; pour le public, jamais
    une ligne encore envisagée."""
    qs = lignes.existantes_au(jour).annotate(statut_au=statut_au_sql(jour))
    return qs.exclude(statut_au=StatutLigne.ENVISAGEE) if publique else qs


def _montants_par(lignes: QuerySet, *champs: str):
    return lignes.order_by().values(*champs, "statut_au").annotate(somme=Sum("montant"))


def _listes_a_faire(fiches_qs, lignes, jour: date) -> tuple[list[FicheAction], list[LigneFinancement]]:
    """Les plus anciennes (`LIMITE_LISTES`) des actions en retard et des demandes en attente de décision."""
    retards = list(
        fiches_qs.filter(fin_passee_q(jour))
        .annotate(etat_au=etat_au_sql(jour))
        .exclude(etat_au__in=list(ETATS_CLOS))
        .select_related("convention__epci", "axe")
        .order_by("date_fin", "pk")[:LIMITE_LISTES]
    )
    en_attente = list(
        lignes.filter(statut_au=StatutLigne.SOLLICITEE)
        .select_related("fiche__convention__epci", "financeur", "dispositif")
        .order_by(F("date_demande").asc(nulls_first=True), "pk")[:LIMITE_LISTES]
    )
    return retards, en_attente


def tableau_plans(
    programme: Programme, jour: date, region: str = "", departement: str = "", utilisateur=None
) -> TableauPlans:
    """Le tableau de bord, gardé en cache tant que le registre n'a pas changé : la clé tient le dernier événement du
    journal et la dernière modification faite dans l'administration (toute écriture des services journalise ; axes,
    financeurs et dispositifs s'éditent dans l'administration) et le jeton du référentiel (`jeton_du_registre`), la
    portée, la date et le périmètre du compte. Une requête quand il est en cache ; au plus `DUREE_EN_CACHE` secondes
    pour ce qui changerait hors de ces chemins. Chaque serveur a son cache ; la clé, lue en base, est la même pour
    tous."""
    p = perimetres.perimetre_de(utilisateur)
    cle = cle_en_cache("tableau-plans", programme.pk, jour.isoformat(), region, departement, p.empreinte)
    tableau = cache.get(cle)
    if tableau is None:
        tableau = calculer_tableau_plans(programme, jour, region, departement, utilisateur)
        cache.set(cle, tableau, DUREE_EN_CACHE)
    return tableau


def calculer_tableau_plans(
    programme: Programme, jour: date, region: str = "", departement: str = "", utilisateur=None
) -> TableauPlans:
    """Le tableau de bord des plans d'action à la date, calculé ; cinq requêtes (sept pour un département, avec ses listes
    « à faire »), quel que soit le nombre de fiches."""
    publique = perimetres.perimetre_de(utilisateur).public
    portee = "departement" if departement else "region" if region else "national"
    fiches_qs = fiches_de_la_portee(programme, jour, region, departement, utilisateur)
    lignes = lignes_de(lignes_de_la_portee(programme, jour, region, departement, utilisateur), jour, publique)
    code_territoire, nom_territoire = TERRITOIRES[portee]

    # 1. Les fiches par territoire, axe, état à la date et fin passée : tous les comptes en découlent.
    groupes = (
        fiches_qs.order_by()
        .annotate(
            etat_au=etat_au_sql(jour),
            fin_passee=Case(When(fin_passee_q(jour), then=Value(True)), default=Value(False)),
            territoire=F(code_territoire),
            territoire_nom=F(nom_territoire),
        )
        .values("territoire", "territoire_nom", "axe_id", "etat_au", "fin_passee")
        .annotate(
            nombre=Count("pk"),
            cout=Sum(Coalesce("cout_ttc", "cout_ht"), output_field=MONTANT_SQL),
        )
    )
    axes = {axe.pk: LigneAxe(axe) for axe in Axe.objects.order_by("programme_id", "ordre", "pk")}
    total = Compte()
    etats: dict[str, int] = defaultdict(int)
    territoires: dict[str, LigneTerritoire] = {}
    for groupe in groupes:
        nombre, cout = groupe["nombre"], groupe["cout"] or ZERO
        realisees = nombre if groupe["etat_au"] == Etat.REALISEE else 0
        en_retard = nombre if groupe["fin_passee"] and groupe["etat_au"] not in ETATS_CLOS else 0
        territoire = territoires.setdefault(
            groupe["territoire"] or "",
            LigneTerritoire(groupe["territoire"] or "", groupe["territoire_nom"] or ""),
        )
        for compte in (total, axes[groupe["axe_id"]].compte, territoire.compte):
            compte.nombre += nombre
            compte.realisees += realisees
            compte.en_retard += en_retard
            compte.cout += cout
        etats[groupe["etat_au"]] += nombre

    # 2. Les montants par axe, année, financeur (l'autofinancement à part : le financeur est le maître d'ouvrage de
    # la fiche), dispositif et statut à la date : une seule lecture des lignes ; 3. les noms des financeurs lus.
    groupes = list(
        _montants_par(
            lignes.annotate(
                annee=annee_sql(),
                financeur_tiers=Case(
                    When(financeur_id=F("fiche__maitre_ouvrage_id"), then=None),
                    default=F("financeur_id"),
                    output_field=IntegerField(),
                ),
            ),
            "fiche__axe_id",
            "annee",
            "financeur_tiers",
            "dispositif_id",
        )
    )
    noms = {
        pk: (nom, nature)
        for pk, nom, nature in Organisation.objects.filter(
            pk__in={g["financeur_tiers"] for g in groupes if g["financeur_tiers"]}
        ).values_list("pk", "nom", "nature")
    }
    noms_dispositifs = dict(Dispositif.objects.values_list("pk", "nom"))
    autofinancement, totaux = Montants(), Montants()
    financeurs: dict[int, LigneMontants] = {}
    dispositifs: dict[int | None, LigneMontants] = {}
    annees: dict[str, LigneMontants] = {}
    etat_engage = partenaires_engage = ZERO
    for groupe in groupes:
        statut, somme = groupe["statut_au"], groupe["somme"] or ZERO
        totaux.ajouter(statut, somme)
        axes[groupe["fiche__axe_id"]].montants.ajouter(statut, somme)
        annee = groupe["annee"] or ""
        annees.setdefault(annee, LigneMontants(annee or "Non datée", code=annee)).montants.ajouter(
            statut, somme
        )
        dispositif = groupe["dispositif_id"]
        dispositifs.setdefault(
            dispositif, LigneMontants(noms_dispositifs.get(dispositif, "Sans dispositif"))
        ).montants.ajouter(statut, somme)
        tiers = groupe["financeur_tiers"]
        if tiers is None:
            autofinancement.ajouter(statut, somme)
            continue
        nom, nature = noms[tiers]
        financeurs.setdefault(tiers, LigneMontants(nom, code=nature)).montants.ajouter(statut, somme)
        if statut in (StatutLigne.ACCORDEE, StatutLigne.VERSEE):
            if nature == "etat":
                etat_engage += somme
            else:
                partenaires_engage += somme

    # 4 et 5. Les listes « à faire » d'un département : les actions passées leur fin, les lignes qui attendent une
    # décision. Au-dessus, les comptes suffisent (ces deux lectures coûteraient un tiers du tableau national).
    retards, en_attente = [], []
    if departement:
        retards, en_attente = _listes_a_faire(fiches_qs, lignes, jour)

    ordre = list(Etat.values)
    return TableauPlans(
        jour=jour,
        publique=publique,
        compte=total,
        par_etat=[(code, Etat(code).label, etats[code]) for code in ordre if etats.get(code)],
        par_axe=[ligne for ligne in axes.values() if ligne.compte.nombre or ligne.montants.demande],
        par_territoire=sorted(territoires.values(), key=lambda t: t.code),
        par_financeur=sorted(
            financeurs.values(), key=lambda f: (-f.montants.engage, -f.montants.demande, f.libelle)
        ),
        autofinancement=autofinancement,
        etat_engage=etat_engage,
        partenaires_engage=partenaires_engage,
        par_dispositif=sorted(
            dispositifs.values(), key=lambda d: (-d.montants.engage, -d.montants.demande, d.libelle)
        ),
        par_annee=sorted(annees.values(), key=lambda a: (a.code == "", a.code)),
        total=totaux,
        retards=retards,
        en_attente=en_attente,
    )


def echeances_des_demandes(programme: Programme, au: date, departement: str = "", utilisateur=None) -> list:
    """Les lignes sollicitées qui attendent une décision depuis le plus longtemps (`LIMITE_LISTES` au plus : le
    tableau de bord des plans les compte toutes), pour la liste « à faire », à leur date de demande ; une requête. Ce
    ne sont pas des retards : `pvd check` ne les compte pas."""
    qs = FicheAction.objects.filter(convention__programme=programme).existantes_au(au)
    if departement:
        qs = qs.filter(convention__departement_suivi_id=departement)
    if utilisateur is not None:
        qs = perimetres.fiches_visibles(utilisateur, qs)
    attente = (
        lignes_de(lignes_des_fiches(qs), au, publique=False)
        .filter(statut_au=StatutLigne.SOLLICITEE)
        .select_related("fiche__convention__epci", "financeur", "dispositif")
        .order_by(F("date_demande").asc(nulls_first=True), "pk")[:LIMITE_LISTES]
    )
    return [
        EcheanceAjoutee(
            echeance=ligne.date_demande or timezone.localdate(ligne.cree_le),
            texte=(
                f"{ligne.fiche.convention.epci.nom} : action {ligne.fiche.numero} « {ligne.fiche.intitule} », "
                f"demande de {euros(ligne.montant)} à {ligne.financeur.nom}"
                f"{f' ({ligne.dispositif.nom})' if ligne.dispositif_id else ''}"
                f"{f' du {date_longue(ligne.date_demande)}' if ligne.date_demande else ''} — en attente de décision"
            ),
            objet=ligne.fiche,
            en_retard=False,
        )
        for ligne in attente
    ]
