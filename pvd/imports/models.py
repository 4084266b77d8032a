"""Ce que les imports gardent : le fichier entre l'aperçu et la confirmation, la correspondance des colonnes d'un
tableur (proposée la fois suivante), et la trace de chaque import réalisé."""

import uuid

from django.conf import settings
from django.db import models

from pvd.actions.models import Axe
from pvd.programmes.models import Convention
from pvd.territoires.models import Departement


class FichierImport(models.Model):
    """Le fichier envoyé, gardé entre l'aperçu et la confirmation (effacé après l'import ou au bout d'un jour)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nom = models.CharField(max_length=255)
    contenu = models.BinaryField()
    source = models.CharField(max_length=20)
    departement = models.ForeignKey(
        Departement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    correspondance = models.JSONField(
        null=True, blank=True, help_text="Colonnes imposées (fichier fabriqué depuis un communiqué lu)."
    )
    convention = models.ForeignKey(
        Convention,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Une maquette financière : la convention-cadre dont elle est le plan d'action.",
    )
    axe = models.ForeignKey(
        Axe,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Une maquette financière : l'axe des actions nouvelles qui n'en disent pas.",
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cree_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "fichier en cours d'import"

    def __str__(self) -> str:
        return self.nom


class CorrespondanceColonnes(models.Model):
    """Pour un département, quelle colonne de son tableur donne quel champ : proposée au prochain import."""

    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, default="tableur")
    correspondances = models.JSONField(default=dict)
    modifiee_le = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "correspondance de colonnes"
        constraints = [
            models.UniqueConstraint(fields=["departement", "source"], name="correspondance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.departement_id}"


class ImportRealise(models.Model):
    source = models.CharField(max_length=20)
    nom_fichier = models.CharField(max_length=255)
    empreinte = models.CharField("SHA-256 du fichier", max_length=64)
    departement = models.ForeignKey(
        Departement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    canal = models.CharField(max_length=10)
    comptes = models.JSONField(default=dict)
    fait_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "import réalisé"
        ordering = ["-fait_le"]

    def __str__(self) -> str:
        return f"{self.nom_fichier} ({self.fait_le:%d/%m/%Y})"
