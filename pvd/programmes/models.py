"""Le programme : lauréats, conventions, parties et signataires, postes de chef de projet, règles.

Les règles d'un programme sont des données (plafonds, délais, population maximale, phases datées) : Action cœur de
ville ou Villages d'avenir s'ajoutent sans toucher au code. Aucune date de fin n'est écrite dans le code.

Chaque fait est daté, pour que toute page puisse montrer le programme tel qu'il était à une date donnée (« au ») :
un lauréat l'est entre sa date de sélection et sa date de sortie ; une convention existe à partir de son ouverture
(sans elle, de sa signature, sinon du jour où elle a été enregistrée : voir `existante_au`), est signée à sa date de
signature, résiliée à sa date de résiliation. Les jalons ne sont pas saisis : ils se
déduisent de ces faits (voir `jalons.py`).

Pièges du réel gardés ici : une convention d'un EPCI interdépartemental peut réunir des communes de deux
départements (Capdenac-Gare, Aveyron, dans la convention de la CC Grand-Figeac suivie par le Lot) ; d'où un
département de suivi, distinct du département de la commune.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst

from pvd.territoires.models import Commune, Departement, Epci

from .dates import ajouter_annees, date_longue


class Programme(models.Model):
    slug = models.SlugField("identifiant court", unique=True)
    nom = models.CharField(max_length=200)
    nom_court = models.CharField("sigle", max_length=20)
    date_debut = models.DateField("date de lancement")
    population_max = models.PositiveIntegerField(
        "population maximale des communes lauréates", null=True, blank=True, help_text="Vide : pas de limite."
    )
    cofinancement_taux_max = models.DecimalField(
        "taux maximal de cofinancement du chef de projet (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    cofinancement_plafond = models.PositiveIntegerField(
        "plafond annuel de cofinancement (€)", null=True, blank=True
    )
    cofinancement_plafond_anah = models.PositiveIntegerField(
        "plafond annuel de cofinancement avec l'Anah (€)", null=True, blank=True
    )
    presentation = models.TextField(
        "présentation du programme",
        blank=True,
        help_text="Le paragraphe repris dans les communiqués de presse.",
    )

    class Meta:
        ordering = ["date_debut"]

    def __str__(self) -> str:
        return self.nom


class Phase(models.Model):
    """Une période datée du programme (lancement, prolongation…) : la fin n'est jamais écrite dans le code."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    nom = models.CharField(max_length=200)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        ordering = ["programme", "date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="phase_dates_ordonnees",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.nom_court} — {self.nom}"


class Etape(models.TextChoices):
    """Les étapes (jalons) d'un lauréat, dans l'ordre du programme."""

    SELECTION = "selection", "sélection"
    ADHESION = "adhesion", "convention d'adhésion signée"
    CHEF_DE_PROJET = "chef_de_projet", "chef de projet recruté"
    CADRE_ORT = "cadre_ort", "convention-cadre valant ORT signée"
    AVENANT = "avenant", "avenant signé"


class RegleEcheance(models.Model):
    """« L'étape `cible` est due `delai_mois` mois après l'étape `origine` » ; sans délai : simple étape suivante."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="regles_echeance")
    origine = models.CharField(max_length=20, choices=Etape.choices)
    cible = models.CharField(max_length=20, choices=Etape.choices)
    delai_mois = models.PositiveSmallIntegerField("délai (mois)", null=True, blank=True)

    class Meta:
        verbose_name = "règle d'échéance"
        verbose_name_plural = "règles d'échéance"
        constraints = [
            models.UniqueConstraint(fields=["programme", "cible"], name="regle_echeance_unique_par_cible"),
            models.CheckConstraint(
                condition=~Q(origine=models.F("cible")), name="regle_echeance_origine_cible"
            ),
        ]

    def __str__(self) -> str:
        delai = f"{self.delai_mois} mois après" if self.delai_mois else "après"
        return f"{self.get_cible_display()} : {delai} {self.get_origine_display()}"


class LaureatQuerySet(models.QuerySet):
    def actifs_au(self, jour: date):
        """Les lauréats à la date donnée : sélectionnés ce jour-là ou avant, pas encore sortis."""
        return self.filter(date_selection__lte=jour).filter(
            Q(date_sortie__isnull=True) | Q(date_sortie__gt=jour)
        )

    def suivis_par(self, departement_code: str):
        return self.filter(departement_suivi_id=departement_code)

    def publics(self):
        return self.filter(publie=True)


class Laureat(models.Model):
    class Precision(models.TextChoices):
        EXACTE = "exacte", "date exacte"
        AU_PLUS_TARD = "au_plus_tard", "au plus tard à cette date"
        INCONNUE = "inconnue", "non renseignée (comptée depuis le lancement du programme)"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="laureats")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="laureats")
    date_selection = models.DateField("date de sélection")
    precision_selection = models.CharField(
        "précision de la date de sélection",
        max_length=20,
        choices=Precision.choices,
        default=Precision.EXACTE,
    )
    identifiant_national = models.CharField("identifiant national", max_length=40, blank=True)
    identifiant_conteste = models.CharField(
        "identifiant national contesté",
        max_length=40,
        blank=True,
        help_text="Donné par une source, mais porté aussi par une autre commune ou de forme inattendue : il n'est "
        "pas retenu tant que l'équipe nationale n'a pas tranché.",
    )
    source = models.CharField("source de l'information", max_length=300, blank=True)
    date_sortie = models.DateField("date de sortie du programme", null=True, blank=True)
    publie = models.BooleanField(
        "publié",
        default=False,
        help_text="Visible du public (pages publiques, données ouvertes, API sans compte).",
    )
    departement_suivi = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="laureats_suivis",
        verbose_name="département de suivi",
        help_text="La préfecture qui suit le lauréat ; par défaut, le département principal de son EPCI.",
    )

    objects = LaureatQuerySet.as_manager()

    class Meta:
        verbose_name = "lauréat"
        ordering = ["programme", "commune__nom"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "commune"], name="laureat_unique_par_programme"),
            models.UniqueConstraint(
                fields=["programme", "identifiant_national"],
                condition=~Q(identifiant_national=""),
                name="laureat_identifiant_national_unique",
            ),
            models.CheckConstraint(
                condition=Q(date_sortie__isnull=True) | Q(date_sortie__gte=models.F("date_selection")),
                name="laureat_sortie_apres_selection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune.nom} ({self.programme.nom_court})"

    def actif_au(self, jour: date) -> bool:
        """La règle de `LaureatQuerySet.actifs_au`, pour un lauréat déjà lu."""
        return self.date_selection <= jour and (self.date_sortie is None or self.date_sortie > jour)


def existante_au(jour: date, prefixe: str = "") -> Q:
    """La règle d'existence d'une convention (ou d'un avenant) à une date, écrite une fois pour les pages, l'API,
    les exports, les communiqués et les jalons (`prefixe` : « convention__ » depuis une table liée).

    Ce qui a été enregistré après cette date et n'a aucune date de fait antérieure n'existait pas : une convention
    existe à partir de son ouverture ; sans date d'ouverture, à partir de sa signature ou, à défaut, du jour où elle a
    été enregistrée (`cree_le`). Une convention créée aujourd'hui sans date d'ouverture n'apparaît donc pas au
    1er janvier 2020."""
    p = prefixe
    return Q(**{f"{p}date_ouverture__lte": jour}) | (
        Q(**{f"{p}date_ouverture__isnull": True})
        & (Q(**{f"{p}date_signature__lte": jour}) | Q(**{f"{p}cree_le__date__lte": jour}))
    )


class DocumentSource(models.Model):
    """Un document qui dit quelles communes sont lauréates : liste nationale, communiqué d'une préfecture, tableur.

    Un document « exhaustif » se dit complet pour son périmètre (tout le programme, ou un département : « Pour le
    Lot, 20 communes sont lauréates ») : une lauréate de ce périmètre qu'il ne cite pas est un désaccord entre
    sources, montré sur la page de la commune et par `pvd check`, jamais tranché en silence.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="documents")
    titre = models.CharField(max_length=300)
    date = models.DateField("date du document", null=True, blank=True)
    empreinte = models.CharField(
        "SHA-256 du fichier", max_length=64, blank=True, help_text="Vide pour un document cité, pas importé."
    )
    exhaustif = models.BooleanField("se dit complet pour son périmètre", default=False)
    perimetre = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="périmètre",
        help_text="Vide : tout le programme.",
    )
    nombre_annonce = models.PositiveIntegerField("nombre de lauréates annoncé", null=True, blank=True)

    class Meta:
        verbose_name = "document source"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "empreinte"],
                condition=~Q(empreinte=""),
                name="document_empreinte_unique",
            ),
            models.UniqueConstraint(
                fields=["programme", "titre"], condition=Q(empreinte=""), name="document_cite_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre} ({self.date:%d/%m/%Y})" if self.date else self.titre

    @property
    def libelle_perimetre(self) -> str:
        """« tout le programme » ou « le département du Lot »."""
        if self.perimetre_id is None:
            return "tout le programme"
        return f"le département {self.perimetre.avec_charniere}"


class SourceLaureat(models.Model):
    """Ce qu'un document dit d'un lauréat : à quelle ligne, sous quel identifiant, rangé sous quel département."""

    laureat = models.ForeignKey(Laureat, on_delete=models.CASCADE, related_name="sources")
    document = models.ForeignKey(DocumentSource, on_delete=models.PROTECT, related_name="mentions")
    ligne = models.PositiveIntegerField("ligne du fichier", null=True, blank=True)
    identifiant = models.CharField("identifiant donné", max_length=40, blank=True)
    departement_lu = models.CharField(
        "département sous lequel le document la range", max_length=3, blank=True
    )

    class Meta:
        verbose_name = "source d'un lauréat"
        verbose_name_plural = "sources des lauréats"
        ordering = ["laureat", "document__date", "document_id"]
        constraints = [
            models.UniqueConstraint(fields=["laureat", "document"], name="source_laureat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} — ligne {self.ligne}" if self.ligne else str(self.document)


class ConventionQuerySet(models.QuerySet):
    def existantes_au(self, jour: date):
        return self.filter(existante_au(jour))

    def signees_au(self, jour: date):
        return self.filter(date_signature__lte=jour).exclude(date_resiliation__lte=jour)

    def en_elaboration_au(self, jour: date):
        return (
            self.existantes_au(jour)
            .filter(Q(date_signature__isnull=True) | Q(date_signature__gt=jour))
            .exclude(date_resiliation__lte=jour)
        )

    def suivies_par(self, departement_code: str):
        return self.filter(departement_suivi_id=departement_code)

    def publiques(self):
        return self.filter(publie=True)


class Convention(models.Model):
    class Type(models.TextChoices):
        ADHESION = "adhesion", "convention d'adhésion"
        CADRE_ORT = "cadre_ort", "convention-cadre valant ORT"
        AVENANT = "avenant", "avenant"

    class Statut(models.TextChoices):
        EN_ELABORATION = "en_elaboration", "en cours d'élaboration"
        SIGNEE = "signee", "signée"
        RESILIEE = "resiliee", "résiliée"

    class PrecisionSignature(models.TextChoices):
        EXACTE = "exacte", "date exacte"
        AU_PLUS_TARD = "au_plus_tard", "au plus tard à cette date"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="conventions")
    type = models.CharField(max_length=20, choices=Type.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avenants",
        verbose_name="convention modifiée",
    )
    intitule = models.CharField("intitulé", max_length=300, blank=True)
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="conventions", verbose_name="EPCI")
    departement_suivi = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="conventions_suivies",
        verbose_name="département de suivi",
    )
    statut = models.CharField(max_length=20, choices=Statut.choices, default=Statut.EN_ELABORATION)
    date_ouverture = models.DateField(
        "en élaboration depuis", null=True, blank=True, help_text="Vide : depuis toujours (date inconnue)."
    )
    date_signature_prevue = models.DateField("date de signature prévue", null=True, blank=True)
    precision_date_prevue = models.CharField(
        "précision de la date prévue",
        max_length=10,
        choices=[
            ("jour", "jour"),
            ("mois", "mois"),
            ("trimestre", "trimestre"),
            ("semestre", "semestre"),
            ("annee", "année"),
        ],
        default="jour",
        help_text="« 4e trimestre 2023 » : le 1er octobre 2023, à la précision du trimestre.",
    )
    date_signature = models.DateField("date de signature", null=True, blank=True)
    precision_signature = models.CharField(
        "précision de la date de signature",
        max_length=20,
        choices=PrecisionSignature.choices,
        default=PrecisionSignature.EXACTE,
        help_text="« au plus tard » : signée ce jour-là ou avant, la date exacte n'étant pas connue.",
    )
    lieu_signature = models.CharField("lieu de signature", max_length=200, blank=True)
    date_resiliation = models.DateField("date de résiliation", null=True, blank=True)
    duree_annees = models.PositiveSmallIntegerField("durée (années)", null=True, blank=True)
    document = models.FileField("convention signée (PDF)", upload_to="conventions/%Y/", blank=True)
    publie = models.BooleanField(
        "publiée",
        default=False,
        help_text="Visible du public (pages publiques, données ouvertes, API sans compte).",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "date_signature", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type="avenant", parent__isnull=False)
                | (~Q(type="avenant") & Q(parent__isnull=True)),
                name="convention_avenant_a_un_parent",
            ),
            models.CheckConstraint(
                condition=Q(statut="en_elaboration", date_signature__isnull=True)
                | Q(statut__in=["signee", "resiliee"], date_signature__isnull=False),
                name="convention_signee_datee",
            ),
            models.CheckConstraint(
                condition=Q(statut="resiliee", date_resiliation__isnull=False)
                | (~Q(statut="resiliee") & Q(date_resiliation__isnull=True)),
                name="convention_resiliee_datee",
            ),
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def titre(self) -> str:
        """L'intitulé, sinon « Convention-cadre valant ORT — CC Grand-Figeac » (`capfirst` : le sigle ORT reste
        en capitales, là où `str.capitalize` écrivait « ort »)."""
        if self.intitule:
            return self.intitule
        return f"{self.libelle_type} — {self.epci.nom}"

    @property
    def libelle_type(self) -> str:
        """« Convention d'adhésion », « Convention-cadre valant ORT », « Avenant » : en tête de phrase ou de titre."""
        return capfirst(self.get_type_display())

    @property
    def nom_generique(self) -> str:
        """« Avenant » ou « Convention » : le sujet d'une phrase du journal (« Avenant signé le … »)."""
        return "Avenant" if self.type == self.Type.AVENANT else "Convention"

    def accorder(self, participe_feminin: str) -> str:
        """« signée » pour une convention, « signé » pour un avenant (masculin) : l'adjectif suit le type."""
        if self.type == self.Type.AVENANT:
            return participe_feminin.removesuffix("e")
        return participe_feminin

    @property
    def reperes(self) -> str:
        """« Convention d'adhésion — CC Cazals-Salviac — signée le 27 juillet 2021 (n° 6) » : de quoi la reconnaître
        dans un message."""
        if self.date_signature:
            quand = f"{self.accorder('signée')} {self.date_signature_texte}"
        elif self.date_signature_prevue:
            quand = f"en élaboration, signature prévue le {date_longue(self.date_signature_prevue)}"
        else:
            quand = "en élaboration"
        return f"{self.libelle_type} — {self.epci.nom} — {quand} (n° {self.pk})"

    @property
    def signature_au_plus_tard(self) -> bool:
        return self.precision_signature == self.PrecisionSignature.AU_PLUS_TARD

    @property
    def date_signature_texte(self) -> str:
        """« le 27 juillet 2021 », « au plus tard le 17 octobre 2023 » (date exacte inconnue) ; vide si elle n'est
        pas signée. Se lit après « signée » : chaque page, export et communiqué montre ainsi la précision."""
        if not self.date_signature:
            return ""
        return (
            "au plus tard " if self.signature_au_plus_tard else ""
        ) + f"le {date_longue(self.date_signature)}"

    @property
    def date_fin_estimee(self) -> date | None:
        """La signature plus la durée : une convention signée un 29 février finit le 28 février d'une année commune."""
        if not (self.date_signature and self.duree_annees):
            return None
        return ajouter_annees(self.date_signature, self.duree_annees)

    def existe_au(self, jour: date) -> bool:
        """La règle de `existante_au`, pour une convention déjà lue."""
        if self.date_ouverture:
            return self.date_ouverture <= jour
        if self.date_signature and self.date_signature <= jour:
            return True
        return self.cree_le is None or timezone.localdate(self.cree_le) <= jour

    def statut_au(self, jour: date) -> str | None:
        """Le statut tel qu'il était à la date donnée ; None si la convention n'existait pas encore."""
        if not self.existe_au(jour):
            return None
        if self.date_resiliation and self.date_resiliation <= jour:
            return self.Statut.RESILIEE
        if self.date_signature and self.date_signature <= jour:
            return self.Statut.SIGNEE
        return self.Statut.EN_ELABORATION


class ConventionCommune(models.Model):
    class Role(models.TextChoices):
        LAUREATE = "laureate", "commune lauréate"
        VILLE_PRINCIPALE = "ville_principale", "ville principale"
        AUTRE = "autre", "autre commune"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="communes")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="conventions")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.LAUREATE)
    ordre = models.PositiveSmallIntegerField(default=0)
    exception = models.CharField(
        "exception confirmée",
        max_length=500,
        blank=True,
        help_text="Pourquoi cette commune figure dans la convention malgré une règle (non lauréate, hors EPCI…).",
    )

    class Meta:
        verbose_name = "commune de la convention"
        verbose_name_plural = "communes de la convention"
        ordering = ["convention", "ordre", "id"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "commune"], name="convention_commune_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} ({self.get_role_display()})"


class Signataire(models.Model):
    """Une partie à la convention et la personne qui signe pour elle."""

    class Partie(models.TextChoices):
        ETAT = "etat", "État"
        EPCI = "epci", "EPCI"
        COMMUNE = "commune", "commune"
        PARTENAIRE = "partenaire", "partenaire"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="signataires")
    partie = models.CharField(max_length=20, choices=Partie.choices)
    organisme = models.CharField(
        max_length=200, help_text="« État », le nom de l'EPCI, de la commune, du partenaire."
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nom = models.CharField("nom du signataire", max_length=200, blank=True, help_text="Vide : non renseigné.")
    qualite = models.CharField("qualité", max_length=200, help_text="La fonction exacte : « préfet du Lot ».")
    date_deliberation = models.DateField("date de la délibération", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["convention", "ordre", "id"]

    def __str__(self) -> str:
        return f"{self.nom or 'non renseigné'}, {self.qualite}"


class PosteChefDeProjet(models.Model):
    class Employeur(models.TextChoices):
        COMMUNE = "commune", "commune"
        EPCI = "epci", "EPCI"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="postes")
    employeur_type = models.CharField("employeur", max_length=10, choices=Employeur.choices)
    employeur_commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employeur_epci = models.ForeignKey(
        Epci, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    laureats = models.ManyToManyField(Laureat, related_name="postes", verbose_name="lauréats couverts")
    nom_titulaire = models.CharField("nom du chef de projet", max_length=200, blank=True)
    date_prise_poste = models.DateField("prise de poste")
    date_fin = models.DateField("fin de poste", null=True, blank=True)
    cout_annuel_charge = models.PositiveIntegerField("coût annuel chargé (€)", null=True, blank=True)
    taux_cofinancement = models.DecimalField(
        "taux de cofinancement (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    montant_cofinancement = models.PositiveIntegerField("cofinancement annuel (€)", null=True, blank=True)
    avec_anah = models.BooleanField("cofinancé avec l'Anah", default=False)

    class Meta:
        verbose_name = "poste de chef de projet"
        verbose_name_plural = "postes de chef de projet"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    employeur_type="commune", employeur_commune__isnull=False, employeur_epci__isnull=True
                )
                | Q(employeur_type="epci", employeur_epci__isnull=False, employeur_commune__isnull=True),
                name="poste_un_seul_employeur",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_prise_poste")),
                name="poste_dates_ordonnees",
            ),
        ]

    def __str__(self) -> str:
        return f"Chef de projet — {self.employeur}"

    @property
    def employeur(self):
        return self.employeur_commune or self.employeur_epci


class Evenement(models.Model):
    """Le journal des changements : qui, quand, quoi (avant / après), par quel canal. Écrit par les services."""

    class Canal(models.TextChoices):
        PAGE = "page", "site"
        API = "api", "API"
        ADMIN = "admin", "administration"
        CLI = "cli", "ligne de commande"
        IMPORT = "import", "import"
        DEMO = "demo", "données de démonstration"

    class Action(models.TextChoices):
        CREATION = "creation", "création"
        MODIFICATION = "modification", "modification"
        SUPPRESSION = "suppression", "suppression"

    objet_type = models.CharField(max_length=50)
    objet_id = models.CharField(max_length=50)
    action = models.CharField(max_length=20, choices=Action.choices)
    resume = models.CharField("résumé", max_length=300)
    avant = models.JSONField(default=dict, blank=True)
    apres = models.JSONField(default=dict, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    canal = models.CharField(max_length=10, choices=Canal.choices)
    fait_le = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "événement"
        ordering = ["-fait_le", "-id"]
        indexes = [models.Index(fields=["objet_type", "objet_id"])]

    def __str__(self) -> str:
        return f"{self.fait_le:%d/%m/%Y %H:%M} — {self.resume}"

    @staticmethod
    def libelle_objet(objet_type: str) -> str:
        """« lauréat », « convention »… : le nom du modèle en français, jamais son code (`laureat`)."""
        from django.apps import apps

        for app in ("programmes", "actions"):
            try:
                return str(apps.get_model(app, objet_type)._meta.verbose_name)
            except LookupError:
                continue
        return objet_type

    @property
    def objet_libelle(self) -> str:
        return self.libelle_objet(self.objet_type)
