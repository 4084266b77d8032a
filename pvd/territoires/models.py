"""Le référentiel territorial : régions, départements, EPCI et communes du COG, avec leur histoire.

Le millésime courant (2026) est la vérité ; les millésimes antérieurs (2021) sont de l'histoire : anciens noms,
anciens codes, communes fusionnées et EPCI disparus, chacun rattaché à la commune ou à l'EPCI d'aujourd'hui.
Une commune ou un EPCI disparu du COG reste en base, marqué `obsolete`, car des conventions peuvent y renvoyer.

Pièges du réel gardés ici :
- un EPCI peut s'étendre sur plusieurs départements (CC Grand-Figeac : Lot et Aveyron) ;
- un code (46063) peut changer de nom d'un millésime à l'autre ;
- une commune déléguée porte souvent le code de sa commune nouvelle.
"""

import secrets

from django.db import models
from django.db.models import Q

from .charniere import nom_avec_charniere
from .tri import CleDeTri


class TypeLiaison(models.IntegerChoices):
    """Le « type de nom » de l'INSEE (TNCC) : il dit quel article et quelle charnière le nom prend."""

    DE = 0, "pas d'article, charnière « de »"
    D = 1, "pas d'article, charnière « d' »"
    LE = 2, "article « Le », charnière « du »"
    LA = 3, "article « La », charnière « de la »"
    LES = 4, "article « Les », charnière « des »"
    L = 5, "article « L' », charnière « de l' »"
    AUX = 6, "article « Aux », charnière « des »"
    LAS = 7, "article « Las », charnière « de las »"
    LOS = 8, "article « Los », charnière « de los »"


class NommeMixin(models.Model):
    """Un nom officiel avec son type de nom INSEE, pour écrire « du Lot » ou « de l'Aveyron »."""

    nom = models.CharField("nom officiel", max_length=200)
    type_liaison = models.PositiveSmallIntegerField(
        "type de nom (INSEE)", choices=TypeLiaison.choices, default=0
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.nom

    @property
    def avec_charniere(self) -> str:
        """« du Lot », « de la Haute-Garonne », « de l'Aveyron », « des Vosges », « de Saône-et-Loire »."""
        return nom_avec_charniere(self.nom, self.type_liaison)


class Region(NommeMixin):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    chef_lieu_code = models.CharField("code du chef-lieu", max_length=5, blank=True)
    zone = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]


class Departement(NommeMixin):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    chef_lieu = models.ForeignKey(
        "Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="chef-lieu"
    )
    zone = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class EpciQuerySet(models.QuerySet):
    def actuels(self):
        return self.filter(obsolete=False)


class Epci(models.Model):
    class Nature(models.TextChoices):
        CC = "CC", "communauté de communes"
        CA = "CA", "communauté d'agglomération"
        CU = "CU", "communauté urbaine"
        METRO = "METRO", "métropole"
        MET69 = "MET69", "métropole de Lyon"

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom officiel", max_length=200)
    cle_tri = CleDeTri("clé de tri alphabétique")
    nature = models.CharField(max_length=5, choices=Nature.choices)
    mode_financement = models.CharField("mode de financement", max_length=10, blank=True)
    population = models.PositiveIntegerField(
        "population municipale",
        null=True,
        blank=True,
        help_text="La somme des populations de ses communes membres (celles de leurs pages), posée par l'import.",
    )
    departements = models.ManyToManyField(
        Departement, related_name="epcis", blank=True, help_text="Départements de ses communes membres."
    )
    obsolete = models.BooleanField("disparu du COG", default=False)
    remplace_par = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="remplacé par"
    )

    objects = EpciQuerySet.as_manager()

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["cle_tri", "siren"]
        constraints = [
            models.CheckConstraint(condition=Q(siren__regex=r"^[0-9]{9}$"), name="epci_siren_9_chiffres"),
            models.CheckConstraint(
                condition=Q(remplace_par__isnull=True) | Q(obsolete=True), name="epci_remplace_si_obsolete"
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class CommuneQuerySet(models.QuerySet):
    def actuelles(self):
        return self.filter(obsolete=False)


class Commune(NommeMixin):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name="EPCI (millésime courant)",
    )
    cle_tri = CleDeTri("clé de tri alphabétique")
    population = models.PositiveIntegerField(null=True, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    codes_postaux = models.CharField(
        "codes postaux", max_length=200, blank=True, help_text="Séparés par des espaces."
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    obsolete = models.BooleanField("disparue du COG", default=False)
    remplacee_par = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="remplacée par",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["cle_tri", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9][0-9AB][0-9]{3}$"), name="commune_code_insee"
            ),
            models.CheckConstraint(
                condition=Q(remplacee_par__isnull=True) | Q(obsolete=True),
                name="commune_remplacee_si_obsolete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"

    @property
    def liste_codes_postaux(self) -> list[str]:
        return self.codes_postaux.split()


class Appartenance(models.Model):
    """Une commune membre d'un EPCI pour un millésime du COG : l'histoire des périmètres."""

    millesime = models.PositiveSmallIntegerField()
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="appartenances")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="appartenances")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["millesime", "commune"], name="appartenance_unique_par_millesime"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} ∈ {self.epci_id} ({self.millesime})"


class CommuneNomHistorique(models.Model):
    """Un nom ou un code qu'une commune d'aujourd'hui a porté, ou qu'une commune absorbée portait."""

    class Nature(models.TextChoices):
        ANCIEN_NOM = "ancien_nom", "ancien nom"
        ANCIENNE_COMMUNE = "ancienne_commune", "ancienne commune fusionnée"
        COMMUNE_DELEGUEE = "commune_deleguee", "commune déléguée"
        COMMUNE_ASSOCIEE = "commune_associee", "commune associée"
        ANCIEN_CODE = "ancien_code", "ancien code"

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="noms_historiques")
    nom = models.CharField(max_length=200, blank=True)
    code = models.CharField("code INSEE", max_length=5, blank=True)
    nature = models.CharField(max_length=20, choices=Nature.choices)
    millesime = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "nom historique de commune"
        verbose_name_plural = "noms historiques de communes"
        ordering = ["millesime", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "nom", "code", "nature"], name="commune_nom_historique_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom or self.code} → {self.commune_id} ({self.get_nature_display()}, {self.millesime})"


class EpciNomHistorique(models.Model):
    """Le nom (et le SIREN) qu'un EPCI portait dans un millésime antérieur, rattaché à l'EPCI d'aujourd'hui."""

    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, related_name="noms_historiques")
    nom = models.CharField(max_length=200)
    siren = models.CharField("SIREN d'alors", max_length=9)
    millesime = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "nom historique d'EPCI"
        verbose_name_plural = "noms historiques d'EPCI"
        ordering = ["millesime", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "nom", "siren"], name="epci_nom_historique_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.millesime}) → {self.epci_id}"


class Alias(models.Model):
    """Un nom d'usage (« Cauvaldor ») qui désigne une commune ou un EPCI ; les utilisateurs en ajoutent.

    Les formes juridiques (« CC du … », « Communauté de communes de … ») ne sont pas des alias : le résolveur
    les reconnaît seul.
    """

    class Type(models.TextChoices):
        COMMUNE = "commune", "commune"
        EPCI = "epci", "EPCI"

    texte = models.CharField("nom d'usage", max_length=200)
    cle = models.CharField("clé normalisée", max_length=200, editable=False)
    type = models.CharField(max_length=10, choices=Type.choices)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="alias"
    )
    epci = models.ForeignKey(Epci, on_delete=models.CASCADE, null=True, blank=True, related_name="alias")
    commentaire = models.CharField(max_length=300, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "alias"
        verbose_name_plural = "alias"
        ordering = ["texte"]
        constraints = [
            models.UniqueConstraint(fields=["type", "cle"], name="alias_unique_par_type"),
            models.CheckConstraint(
                condition=(Q(type="commune", commune__isnull=False, epci__isnull=True))
                | Q(type="epci", epci__isnull=False, commune__isnull=True),
                name="alias_une_seule_cible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.texte} → {self.commune or self.epci}"

    @property
    def cible(self):
        return self.commune or self.epci


class ImportReferentiel(models.Model):
    """Trace de chaque chargement du référentiel : sa source, sa date et ce qu'il a changé."""

    source = models.CharField(max_length=200)
    millesime = models.PositiveSmallIntegerField()
    fait_le = models.DateTimeField(auto_now_add=True)
    comptes = models.JSONField(default=dict)

    class Meta:
        verbose_name = "import du référentiel"
        verbose_name_plural = "imports du référentiel"
        ordering = ["-fait_le"]

    def __str__(self) -> str:
        return f"{self.source} ({self.fait_le:%d/%m/%Y %H:%M})"


class EtatReferentiel(models.Model):
    """Un jeton unique, tiré au hasard à chaque changement du référentiel ou des alias.

    Chaque processus garde l'index du résolveur en mémoire et ne le reconstruit que si ce jeton a changé :
    une requête légère suffit à rester à jour quand plusieurs serveurs partagent la base. Un jeton aléatoire
    (plutôt qu'un compteur) ne peut pas revenir à une valeur déjà vue après une transaction annulée.
    """

    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="etat_referentiel_singleton")]

    def __str__(self) -> str:
        return f"référentiel, jeton {self.version}"

    @classmethod
    def signaler_changement(cls) -> None:
        """À appeler dans la transaction qui change le référentiel ou les alias."""
        jeton = secrets.randbits(62)
        if not cls.objects.filter(pk=1).update(version=jeton):
            cls.objects.create(pk=1, version=jeton)
