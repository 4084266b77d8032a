"""Comptes : le rôle et le périmètre de chacun, ses jetons d'API, et le journal de sécurité.

Rôles : administrateur national (ANCT, tout), agent de préfecture (un ou plusieurs départements), chef de projet /
collectivité (ses communes ou son EPCI), partenaire (lecture). Le public (sans compte) ne voit que ce qui est
publié. Les règles d'accès sont dans `perimetres.py`, et nulle part ailleurs.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models

from pvd.territoires.models import Commune, Departement, Epci


class Profil(models.Model):
    class Role(models.TextChoices):
        NATIONAL = "national", "administrateur national"
        PREFECTURE = "prefecture", "agent de préfecture"
        COLLECTIVITE = "collectivite", "chef de projet / collectivité"
        PARTENAIRE = "partenaire", "partenaire"

    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profil"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    departements = models.ManyToManyField(
        Departement, blank=True, related_name="+", verbose_name="départements"
    )
    epcis = models.ManyToManyField(Epci, blank=True, related_name="+", verbose_name="EPCI")
    communes = models.ManyToManyField(Commune, blank=True, related_name="+")
    organisme = models.CharField(
        max_length=200, blank=True, help_text="Pour un partenaire : Banque des Territoires…"
    )
    organisation = models.ForeignKey(
        "actions.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profils",
        help_text="Pour un partenaire : l'organisation dont il met à jour les lignes de financement.",
    )

    class Meta:
        verbose_name = "profil"

    def __str__(self) -> str:
        return f"{self.utilisateur} — {self.get_role_display()}"


class JetonApi(models.Model):
    """Un jeton personnel pour les scripts : montré une fois, gardé haché (SHA-256), révocable."""

    PREFIXE = "pvd_"

    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jetons")
    nom = models.CharField(max_length=100, blank=True)
    empreinte = models.CharField(max_length=64, unique=True)
    debut = models.CharField("début du jeton", max_length=12, help_text="Pour le reconnaître dans une liste.")
    cree_le = models.DateTimeField(auto_now_add=True)
    dernier_usage = models.DateTimeField(null=True, blank=True)
    revoque_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self) -> str:
        return f"{self.debut}… ({self.utilisateur})"

    @staticmethod
    def empreinte_de(jeton: str) -> str:
        return hashlib.sha256(jeton.encode("utf-8")).hexdigest()

    @classmethod
    def nouveau_secret(cls) -> str:
        return cls.PREFIXE + secrets.token_urlsafe(32)


class EvenementSecurite(models.Model):
    """Connexions, échecs, verrouillages, accès refusés : gardés au moins trois mois (voir `pvd securite purger`)."""

    class Type(models.TextChoices):
        CONNEXION = "connexion", "connexion réussie"
        ECHEC = "echec", "échec de connexion"
        DECONNEXION = "deconnexion", "déconnexion"
        VERROUILLAGE = "verrouillage", "compte verrouillé (trop d'échecs)"
        REFUS = "refus", "accès refusé (403)"
        JETON_INVALIDE = "jeton_invalide", "jeton d'API invalide"

    type = models.CharField(max_length=20, choices=Type.choices)
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    identifiant = models.CharField("identifiant saisi", max_length=254, blank=True)
    adresse_ip = models.GenericIPAddressField(null=True, blank=True)
    chemin = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    fait_le = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "événement de sécurité"
        verbose_name_plural = "journal de sécurité"
        ordering = ["-fait_le"]

    def __str__(self) -> str:
        return f"{self.fait_le:%d/%m/%Y %H:%M} — {self.get_type_display()} — {self.identifiant or self.utilisateur}"
