"""Le plan d'action d'une convention-cadre : ses fiches actions et leurs financements.

Ce que tient une fiche suit le modèle de fiche action annexé à la convention-cadre Petites villes de demain de
l'ANCT (voir docs/adr/0011-plan-d-action.md) : un numéro et un intitulé, l'axe de la stratégie (les cinq axes de
l'ORT de l'article L303-2 du code de la construction et de l'habitation, et les thèmes qu'un programme ajoute), le
maître d'ouvrage, les partenaires, la description, le calendrier, le coût, le plan de financement, l'état
d'avancement et les indicateurs.

Les listes qui changent sans le code sont des données : axes (`Axe`), financeurs (`Organisation`), dispositifs de
financement (`Dispositif` : DETR, DSIL, Fonds vert…), que l'équipe nationale édite dans l'administration.

Chaque fait est daté, pour lire le plan tel qu'il était à une date (« au ») : l'état d'une fiche par son
historique (`ChangementEtat`), le statut d'une ligne de financement par ses dates (demande, décision, versement).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from pvd.programmes.dates import date_longue, fin_du_jour
from pvd.programmes.models import Convention, Programme
from pvd.territoires.models import Commune, Epci

from .identifiants import siret_erreur

MONTANT = {"max_digits": 14, "decimal_places": 2}
TRIMESTRES = ["1er", "2e", "3e", "4e"]


class Precision(models.TextChoices):
    """La précision d'une date prévue, comme celle de la signature prévue d'une convention : la date gardée est le
    premier jour de la période (« 2e trimestre 2024 » : le 1er avril 2024)."""

    JOUR = "jour", "jour"
    MOIS = "mois", "mois"
    TRIMESTRE = "trimestre", "trimestre"
    ANNEE = "annee", "année"


def debut_de_periode(jour: date, precision: str) -> date:
    if precision == Precision.MOIS:
        return jour.replace(day=1)
    if precision == Precision.TRIMESTRE:
        return date(jour.year, 3 * ((jour.month - 1) // 3) + 1, 1)
    if precision == Precision.ANNEE:
        return date(jour.year, 1, 1)
    return jour


def fin_de_periode(jour: date, precision: str) -> date:
    """Le dernier jour de la période : une fin prévue « en 2024 » n'est dépassée que le 1er janvier 2025."""
    if precision == Precision.MOIS:
        return jour.replace(day=calendar.monthrange(jour.year, jour.month)[1])
    if precision == Precision.TRIMESTRE:
        mois = 3 * ((jour.month - 1) // 3) + 3
        return date(jour.year, mois, calendar.monthrange(jour.year, mois)[1])
    if precision == Precision.ANNEE:
        return date(jour.year, 12, 31)
    return jour


def periode_texte(jour: date | None, precision: str) -> str:
    """« le 3 mars 2024 », « mars 2024 », « 2e trimestre 2024 », « 2024 » ; vide sans date."""
    if jour is None:
        return ""
    if precision == Precision.MOIS:
        return date_longue(jour.replace(day=1)).removeprefix("1er ")
    if precision == Precision.TRIMESTRE:
        return f"{TRIMESTRES[(jour.month - 1) // 3]} trimestre {jour.year}"
    if precision == Precision.ANNEE:
        return str(jour.year)
    return f"le {date_longue(jour)}"


def echeance_texte(jour: date | None, precision: str) -> str:
    """Après « prévue » : « le 3 mars 2024 », « en mars 2024 », « au 2e trimestre 2024 », « en 2024 »."""
    texte = periode_texte(jour, precision)
    if not texte or precision == Precision.JOUR:
        return texte
    return f"au {texte}" if precision == Precision.TRIMESTRE else f"en {texte}"


class Axe(models.Model):
    """Un axe du plan d'action. Sans programme : l'un des cinq axes de l'ORT (article L303-2 du CCH), communs à tous
    les programmes ; avec un programme : un thème que ce programme ajoute (transition écologique, numérique…)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="axes",
        help_text="Vide : un axe de l'ORT, commun à tous les programmes.",
    )
    code = models.SlugField(max_length=40)
    nom = models.CharField(max_length=200)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(programme__isnull=True), name="axe_ort_unique"
            ),
            models.UniqueConstraint(fields=["programme", "code"], name="axe_programme_unique"),
        ]

    def __str__(self) -> str:
        return self.nom


class Organisation(models.Model):
    """Un financeur, un partenaire ou un maître d'ouvrage : l'État, une collectivité, un opérateur (Banque des
    Territoires, Anah…), une entreprise. Une commune ou un EPCI y est relié à son entrée du référentiel."""

    class Nature(models.TextChoices):
        ETAT = "etat", "État"
        COMMUNE = "commune", "commune"
        EPCI = "epci", "EPCI"
        DEPARTEMENT = "departement", "département"
        REGION = "region", "région"
        OPERATEUR = "operateur", "opérateur ou établissement public"
        EUROPE = "europe", "Union européenne"
        BAILLEUR = "bailleur", "bailleur social"
        PRIVE = "prive", "organisme privé"
        ASSOCIATION = "association", "association"

    PUBLIQUES = {"etat", "commune", "epci", "departement", "region", "operateur", "europe"}
    COLLECTIVITES = {"commune", "epci", "departement", "region"}

    nom = models.CharField(max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        help_text="L'établissement qui attribue ou reçoit les subventions : le SIREN suivi des cinq chiffres du "
        "NIC (annuaire des entreprises). Les données ouvertes « Subventions » le demandent.",
    )
    nature = models.CharField(max_length=20, choices=Nature.choices)
    commune = models.OneToOneField(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="organisation"
    )
    epci = models.OneToOneField(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        verbose_name="EPCI",
    )

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"], condition=~Q(siren=""), name="organisation_siren_unique"
            ),
            models.UniqueConstraint(fields=["nom"], condition=Q(siren=""), name="organisation_nom_unique"),
            models.CheckConstraint(
                condition=Q(commune__isnull=True) | Q(nature="commune"), name="organisation_commune_nature"
            ),
            models.CheckConstraint(
                condition=Q(epci__isnull=True) | Q(nature="epci"), name="organisation_epci_nature"
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    def clean(self) -> None:
        if self.siret:
            erreur = siret_erreur(self.siret, self.siren)
            if erreur:
                raise ValidationError({"siret": [erreur]})

    @property
    def publique(self) -> bool:
        """Un financement public au sens de l'article L1111-10 du CGCT."""
        return self.nature in self.PUBLIQUES

    @property
    def collectivite(self) -> bool:
        return self.nature in self.COLLECTIVITES


class Dispositif(models.Model):
    """Un dispositif de financement (DETR, DSIL, FNADT, Fonds vert, prêt de la Banque des Territoires, OPAH-RU de
    l'Anah, autofinancement…) : une donnée du programme, éditée par l'équipe nationale, jamais du code."""

    code = models.SlugField(max_length=40, unique=True)
    nom = models.CharField(max_length=200)
    financeur = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dispositifs",
        help_text="Celui qui l'accorde ; vide : le maître d'ouvrage ou tout financeur (autofinancement, autres).",
    )
    decision_prefecture = models.BooleanField(
        "décidé par la préfecture",
        default=False,
        help_text="Une subvention de l'État décidée dans le département (DETR, DSIL, FNADT, Fonds vert) : la "
        "préfecture enregistre l'accord ou le refus.",
    )
    pret = models.BooleanField("prêt (remboursable)", default=False)
    actif = models.BooleanField(default=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "nom"]

    def __str__(self) -> str:
        return self.nom


class Etat(models.TextChoices):
    """L'état d'une action : la suite à l'étude → programmée → engagée → en cours → réalisée, et à tout moment en
    pause, bloquée ou abandonnée (avec un motif)."""

    A_L_ETUDE = "a_l_etude", "à l'étude"
    PROGRAMMEE = "programmee", "programmée"
    ENGAGEE = "engagee", "engagée"
    EN_COURS = "en_cours", "en cours"
    REALISEE = "realisee", "réalisée"
    EN_PAUSE = "en_pause", "en pause"
    BLOQUEE = "bloquee", "bloquée"
    ABANDONNEE = "abandonnee", "abandonnée"


SUITE_DES_ETATS = [Etat.A_L_ETUDE, Etat.PROGRAMMEE, Etat.ENGAGEE, Etat.EN_COURS, Etat.REALISEE]
ETATS_D_ARRET = {Etat.EN_PAUSE, Etat.BLOQUEE, Etat.ABANDONNEE}
ETATS_CLOS = {Etat.REALISEE, Etat.ABANDONNEE}


class FicheActionQuerySet(models.QuerySet):
    def existantes_au(self, jour: date):
        return self.filter(cree_le__lt=fin_du_jour(jour))

    def publiques(self):
        """Les fiches d'une convention publiée (une convention-cadre est un document public)."""
        return self.filter(convention__publie=True)

    def avec_etat_au(self, jour: date):
        """Chaque fiche annotée de son état à la date (`etat_au_jour`), lu dans la base (`etat_au_sql`)."""
        return self.annotate(etat_au_jour=etat_au_sql(jour))


class FicheAction(models.Model):
    convention = models.ForeignKey(
        Convention,
        on_delete=models.PROTECT,
        related_name="fiches_actions",
        help_text="La convention-cadre dont le plan d'action porte la fiche.",
    )
    avenant = models.ForeignKey(
        Convention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fiches_ajoutees",
        help_text="L'avenant qui a ajouté la fiche au plan ; vide : la convention-cadre elle-même.",
    )
    numero = models.CharField("numéro", max_length=20, help_text="Comme dans la convention : « 1.2 ».")
    intitule = models.CharField("intitulé", max_length=300)
    description = models.TextField(blank=True)
    axe = models.ForeignKey(Axe, on_delete=models.PROTECT, related_name="fiches")
    communes = models.ManyToManyField(
        Commune, related_name="fiches_actions", verbose_name="communes concernées"
    )
    maitre_ouvrage = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fiches_portees", verbose_name="maître d'ouvrage"
    )
    partenaires = models.ManyToManyField(Organisation, blank=True, related_name="fiches_partenaires")
    date_debut = models.DateField("début prévu", null=True, blank=True)
    precision_debut = models.CharField(
        "précision du début", max_length=10, choices=Precision.choices, default=Precision.JOUR
    )
    date_fin = models.DateField("fin prévue", null=True, blank=True)
    precision_fin = models.CharField(
        "précision de la fin", max_length=10, choices=Precision.choices, default=Precision.JOUR
    )
    date_fin_reelle = models.DateField("fin réelle", null=True, blank=True)
    etat = models.CharField("état", max_length=20, choices=Etat.choices, default=Etat.A_L_ETUDE)
    motif_etat = models.CharField("motif de l'état", max_length=500, blank=True)
    cout_ht = models.DecimalField("coût HT (€)", null=True, blank=True, **MONTANT)
    cout_ttc = models.DecimalField("coût TTC (€)", null=True, blank=True, **MONTANT)
    derogation_participation = models.TextField(
        "dérogation à la participation minimale du maître d'ouvrage",
        blank=True,
        help_text="Article L1111-10 du CGCT : le motif et la référence de la dérogation (arrêté du préfet…).",
    )
    source = models.CharField(
        max_length=500, blank=True, help_text="Le document public d'où vient la fiche (adresse, page)."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = FicheActionQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["convention", "id"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "numero"], name="fiche_numero_unique"),
            models.CheckConstraint(
                condition=Q(date_debut__isnull=True)
                | Q(date_fin__isnull=True)
                | Q(date_fin__gte=models.F("date_debut")),
                name="fiche_dates_ordonnees",
            ),
            models.CheckConstraint(
                condition=Q(cout_ht__isnull=True) | Q(cout_ht__gte=0), name="fiche_cout_ht_positif"
            ),
            models.CheckConstraint(
                condition=Q(cout_ttc__isnull=True) | Q(cout_ttc__gte=0), name="fiche_cout_ttc_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero} — {self.intitule}"

    def get_absolute_url(self) -> str:
        return reverse("fiche-action", args=[self.pk])

    @property
    def cout_reference(self) -> Decimal | None:
        """Le coût auquel se compare le plan de financement : TTC s'il est connu, sinon HT."""
        return self.cout_ttc if self.cout_ttc is not None else self.cout_ht

    @property
    def fin_prevue_au_plus_tard(self) -> date | None:
        return fin_de_periode(self.date_fin, self.precision_fin) if self.date_fin else None

    @property
    def debut_texte(self) -> str:
        return periode_texte(self.date_debut, self.precision_debut)

    @property
    def fin_texte(self) -> str:
        return periode_texte(self.date_fin, self.precision_fin)

    @property
    def fin_prevue_texte(self) -> str:
        return echeance_texte(self.date_fin, self.precision_fin)

    def etat_au(self, jour: date) -> str | None:
        """L'état tel qu'il était à la date (par l'historique, déjà lu : `changements_etat` préchargés) ; None si la
        fiche n'existait pas encore."""
        if timezone.localdate(self.cree_le) > jour:
            return None
        etat = Etat.A_L_ETUDE
        for changement in sorted(self.changements_etat.all(), key=lambda c: (c.date, c.pk)):
            if changement.date <= jour:
                etat = changement.etat
        return etat

    def en_retard_au(self, jour: date) -> bool:
        """Passée sa fin prévue (la fin de la période) et ni réalisée ni abandonnée."""
        fin = self.fin_prevue_au_plus_tard
        return fin is not None and fin < jour and self.etat_au(jour) not in ETATS_CLOS


class ChangementEtat(models.Model):
    """L'historique daté de l'état d'une fiche : ce qui permet de la lire « au » une date."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="changements_etat")
    etat = models.CharField("état", max_length=20, choices=Etat.choices)
    date = models.DateField("depuis le")
    motif = models.CharField(max_length=500, blank=True)
    fait_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "changements d'état"
        ordering = ["fiche", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_etat_display()} le {self.date:%d/%m/%Y}"


class CoutAnnuel(models.Model):
    """Le coût d'une année, prévu et réalisé, en investissement ou en fonctionnement."""

    class Nature(models.TextChoices):
        INVESTISSEMENT = "investissement", "investissement"
        FONCTIONNEMENT = "fonctionnement", "fonctionnement"

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="couts")
    annee = models.PositiveSmallIntegerField("année")
    nature = models.CharField(max_length=20, choices=Nature.choices)
    prevu = models.DecimalField("prévu (€)", null=True, blank=True, **MONTANT)
    realise = models.DecimalField("réalisé (€)", null=True, blank=True, **MONTANT)

    class Meta:
        verbose_name = "coût annuel"
        verbose_name_plural = "coûts annuels"
        ordering = ["fiche", "annee", "nature"]
        constraints = [
            models.UniqueConstraint(fields=["fiche", "annee", "nature"], name="cout_annuel_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.annee} — {self.get_nature_display()}"


class EtapeAction(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="etapes")
    intitule = models.CharField("intitulé", max_length=300)
    ordre = models.PositiveSmallIntegerField(default=0)
    date_prevue = models.DateField("date prévue", null=True, blank=True)
    faite = models.BooleanField(default=False)
    date_faite = models.DateField("faite le", null=True, blank=True)

    class Meta:
        verbose_name = "étape"
        ordering = ["fiche", "ordre", "id"]

    def __str__(self) -> str:
        return self.intitule


class Indicateur(models.Model):
    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="indicateurs")
    nom = models.CharField(max_length=200)
    unite = models.CharField("unité", max_length=50, blank=True)
    periodicite = models.CharField(
        "périodicité", max_length=50, blank=True, help_text="« annuelle », « à la fin »…"
    )

    class Meta:
        ordering = ["fiche", "id"]

    def __str__(self) -> str:
        return self.nom


class ValeurIndicateur(models.Model):
    class Type(models.TextChoices):
        RESULTAT = "resultat", "résultat"
        CIBLE = "cible", "cible"

    indicateur = models.ForeignKey(Indicateur, on_delete=models.CASCADE, related_name="valeurs")
    type = models.CharField(max_length=10, choices=Type.choices)
    date = models.DateField()
    valeur = models.DecimalField(max_digits=16, decimal_places=4)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateur"
        ordering = ["indicateur", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} au {self.date:%d/%m/%Y} : {self.valeur}"


class StatutLigne(models.TextChoices):
    ENVISAGEE = "envisagee", "envisagée"
    SOLLICITEE = "sollicitee", "sollicitée"
    ACCORDEE = "accordee", "accordée"
    VERSEE = "versee", "versée"
    REFUSEE = "refusee", "refusée"


class LigneFinancementQuerySet(models.QuerySet):
    def existantes_au(self, jour: date):
        return self.filter(cree_le__lt=fin_du_jour(jour))

    def avec_statut_au(self, jour: date):
        """Chaque ligne annotée de son statut à la date (`statut_au_jour`), lu dans la base (`statut_au_sql`)."""
        return self.annotate(statut_au_jour=statut_au_sql(jour))


class LigneFinancement(models.Model):
    """Une ligne du plan de financement : qui, par quel dispositif, combien, où en est la demande. L'autofinancement
    du maître d'ouvrage est une ligne comme une autre (financeur : le maître d'ouvrage).

    Le statut se lit de ses dates, pour le connaître à toute date : envisagée, puis sollicitée (date de la demande),
    accordée ou refusée (date de la décision), versée (date du versement)."""

    fiche = models.ForeignKey(FicheAction, on_delete=models.CASCADE, related_name="lignes")
    financeur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="lignes")
    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.PROTECT, null=True, blank=True, related_name="lignes"
    )
    montant = models.DecimalField("montant (€)", **MONTANT)
    statut = models.CharField(max_length=20, choices=StatutLigne.choices, default=StatutLigne.ENVISAGEE)
    date_demande = models.DateField("date de la demande", null=True, blank=True)
    date_decision = models.DateField("date de la décision", null=True, blank=True)
    reference_decision = models.CharField("référence de la décision", max_length=200, blank=True)
    date_versement = models.DateField("date du versement", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = LigneFinancementQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["fiche", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gte=0), name="ligne_montant_positif"),
            models.CheckConstraint(
                condition=~Q(statut__in=["accordee", "refusee", "versee"]) | Q(date_decision__isnull=False),
                name="ligne_decision_datee",
            ),
            models.CheckConstraint(
                condition=~Q(statut="versee") | Q(date_versement__isnull=False), name="ligne_versement_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.financeur} — {self.montant} €"

    def statut_au(self, jour: date) -> str | None:
        """Le statut à la date, tiré des dates ; None si la ligne n'existait pas encore."""
        if timezone.localdate(self.cree_le) > jour:
            return None
        if self.statut == StatutLigne.VERSEE and self.date_versement and self.date_versement <= jour:
            return StatutLigne.VERSEE
        if self.statut in (StatutLigne.ACCORDEE, StatutLigne.VERSEE, StatutLigne.REFUSEE) and (
            self.date_decision and self.date_decision <= jour
        ):
            return StatutLigne.REFUSEE if self.statut == StatutLigne.REFUSEE else StatutLigne.ACCORDEE
        if self.statut != StatutLigne.ENVISAGEE and (self.date_demande is None or self.date_demande <= jour):
            return StatutLigne.SOLLICITEE
        return StatutLigne.ENVISAGEE


# Les règles « au » écrites en expressions de base de données, pour filtrer et compter sans lire les objets ; les
# tests les vérifient contre `FicheAction.etat_au` et `LigneFinancement.statut_au`.


def etat_au_sql(jour: date, chemin: str = ""):
    """L'état d'une fiche à la date (`chemin` : vers la fiche depuis la requête, vide pour une fiche) : son dernier
    changement d'état daté au plus tard ce jour-là (à égalité de date, le dernier enregistré), sinon « à l'étude »."""
    dernier = (
        ChangementEtat.objects.filter(fiche=models.OuterRef(f"{chemin}pk"), date__lte=jour)
        .order_by("-date", "-pk")
        .values("etat")[:1]
    )
    return Coalesce(
        models.Subquery(dernier, output_field=models.CharField()), models.Value(Etat.A_L_ETUDE.value)
    )


def statut_au_sql(jour: date):
    """Le statut d'une ligne de financement à la date : versée à son versement, accordée ou refusée à sa décision,
    sollicitée à sa demande, envisagée avant."""
    decidee = Q(date_decision__lte=jour)
    return models.Case(
        models.When(
            Q(statut=StatutLigne.VERSEE, date_versement__lte=jour), then=models.Value(StatutLigne.VERSEE)
        ),
        models.When(Q(statut=StatutLigne.REFUSEE) & decidee, then=models.Value(StatutLigne.REFUSEE)),
        models.When(
            Q(statut__in=[StatutLigne.ACCORDEE, StatutLigne.VERSEE]) & decidee,
            then=models.Value(StatutLigne.ACCORDEE),
        ),
        models.When(
            ~Q(statut=StatutLigne.ENVISAGEE) & (Q(date_demande__isnull=True) | Q(date_demande__lte=jour)),
            then=models.Value(StatutLigne.SOLLICITEE),
        ),
        default=models.Value(StatutLigne.ENVISAGEE),
        output_field=models.CharField(),
    )


def fin_passee_q(jour: date, chemin: str = "") -> Q:
    """La fin prévue (fin de sa période) est passée à la date : pour chaque précision, la date gardée est avant le
    début de la période qui contient `jour`."""
    q = Q()
    for precision in Precision.values:
        q |= Q(
            **{
                f"{chemin}precision_fin": precision,
                f"{chemin}date_fin__lt": debut_de_periode(jour, precision),
            }
        )
    return q & Q(**{f"{chemin}date_fin__isnull": False})
