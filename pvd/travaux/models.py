"""Un travail long (import d'un gros fichier, export national, lot de documents) lancé depuis le site : ce que la page
de suivi montre (état, compteurs, message d'échec, résultat). La file d'attente elle-même est celle de django-tasks
(`django_tasks_db`) ; `tache_id` relie le travail au résultat de la tâche."""

import uuid

from django.conf import settings
from django.db import models


class Travail(models.Model):
    class Nature(models.TextChoices):
        IMPORT = "import", "import"
        EXPORT = "export", "export national"
        DOCUMENTS = "documents", "lot de documents"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "en attente"
        EN_COURS = "en_cours", "en cours"
        TERMINE = "termine", "terminé"
        ECHOUE = "echoue", "échoué"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nature = models.CharField(max_length=20, choices=Nature.choices)
    libelle = models.CharField(max_length=255, help_text="Ce que fait le travail, en une phrase.")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    etat = models.CharField(max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    etape = models.CharField(max_length=100, blank=True, help_text="L'étape en cours, en français.")
    lignes_lues = models.PositiveIntegerField(default=0)
    lignes_resolues = models.PositiveIntegerField(default=0)
    lignes_ecrites = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Pourquoi le travail a échoué, en français.")
    rapport = models.JSONField(null=True, blank=True)
    fichier = models.CharField(
        max_length=255,
        blank=True,
        help_text="Le fichier produit, nommé dans le stockage (`default_storage`).",
    )
    nom_fichier = models.CharField(max_length=255, blank=True)
    tache_id = models.CharField(max_length=64, blank=True, db_index=True)
    battement = models.DateTimeField(null=True, blank=True, help_text="Dernier signe de vie du processus.")
    cree_le = models.DateTimeField(auto_now_add=True)
    commence_le = models.DateTimeField(null=True, blank=True)
    fini_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "travail long"
        verbose_name_plural = "travaux longs"
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["etat", "battement"], name="travail_etat_battement")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(etat="echoue") | ~models.Q(message=""), name="travail_echec_explique"
            )
        ]

    def __str__(self) -> str:
        return self.libelle

    @property
    def fini(self) -> bool:
        return self.etat in (self.Etat.TERMINE, self.Etat.ECHOUE)

    @property
    def pourcentage(self) -> int:
        """L'avancement, de 0 à 100 : pour un import, lecture, résolution et écriture comptent chacune un tiers."""
        if self.etat == self.Etat.TERMINE:
            return 100
        if not self.total:
            return 0
        if self.nature == self.Nature.IMPORT:
            fait = self.lignes_lues + self.lignes_resolues + self.lignes_ecrites
            return min(99, fait * 100 // (3 * self.total))
        return min(99, self.lignes_ecrites * 100 // self.total)
