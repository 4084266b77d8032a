"""Ce que la préfecture règle pour ses publications : qui signe l'en-tête, le contact presse."""

from django.db import models

from pvd.territoires.models import Departement


class ParametresDepartement(models.Model):
    class Titre(models.TextChoices):
        PREFET = "préfet", "préfet"
        PREFETE = "préfète", "préfète"

    departement = models.OneToOneField(
        Departement, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    titre_prefet = models.CharField(
        "titre du représentant de l'État",
        max_length=10,
        choices=Titre.choices,
        default=Titre.PREFET,
        help_text="Utilisé quand aucun signataire de l'État n'est enregistré pour la journée.",
    )
    nom_prefet = models.CharField("nom du préfet ou de la préfète", max_length=200, blank=True)
    lieu = models.CharField(
        "lieu des communiqués", max_length=200, blank=True, help_text="Vide : le chef-lieu du département."
    )
    contact_presse = models.TextField(
        "bloc contact presse",
        blank=True,
        help_text="Service, téléphone, adresse électronique du service, adresse.",
    )

    class Meta:
        verbose_name = "paramètres de publication d'un département"
        verbose_name_plural = "paramètres de publication des départements"

    def __str__(self) -> str:
        return f"Publication — {self.departement}"
