"""Écritures sur les comptes : création avec rôle et périmètre, désactivation, jetons d'API."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone

from pvd.territoires.models import Commune, Departement, Epci

from .models import JetonApi, Profil

journal = logging.getLogger(__name__)


@transaction.atomic
def utilisateur_creer(
    *,
    email: str,
    role: str,
    departements: list[str] = (),
    epcis: list[str] = (),
    communes: list[str] = (),
    organisme: str = "",
    mot_de_passe: str | None = None,
):
    """Crée un compte (identifiant = adresse électronique) avec son rôle et son périmètre."""
    email = (email or "").strip().lower()
    erreurs: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        erreurs["email"] = [f"« {email} » n'est pas une adresse électronique valide."]
    if role not in Profil.Role.values:
        erreurs["role"] = [f"Rôle inconnu : « {role} ». Rôles : {', '.join(Profil.Role.values)}."]
    modele = get_user_model()
    if modele.objects.filter(username=email).exists():
        erreurs["email"] = [f"Un compte existe déjà pour {email}."]
    deps = list(Departement.objects.filter(code__in=[d.upper() for d in departements]))
    if len(deps) != len(set(departements)):
        erreurs["departements"] = ["Un des départements est inconnu."]
    liste_epci = list(Epci.objects.actuels().filter(siren__in=list(epcis)))
    if len(liste_epci) != len(set(epcis)):
        erreurs["epcis"] = ["Un des SIREN d'EPCI est inconnu."]
    liste_communes = list(Commune.objects.actuelles().filter(code__in=list(communes)))
    if len(liste_communes) != len(set(communes)):
        erreurs["communes"] = ["Un des codes INSEE de commune est inconnu."]
    if role == Profil.Role.PREFECTURE and not deps:
        erreurs["departements"] = ["Un agent de préfecture a au moins un département (--departement 46)."]
    if role == Profil.Role.COLLECTIVITE and not (liste_epci or liste_communes):
        erreurs["epcis"] = ["Une collectivité a un EPCI (--epci SIREN) ou des communes (--commune INSEE)."]
    if mot_de_passe:
        try:
            validate_password(mot_de_passe)
        except ValidationError as erreur:
            erreurs["mot_de_passe"] = erreur.messages
    if erreurs:
        raise ValidationError(erreurs)
    utilisateur = modele.objects.create_user(
        username=email,
        email=email,
        password=mot_de_passe,
        is_staff=(role == Profil.Role.NATIONAL),
        is_superuser=(role == Profil.Role.NATIONAL),
    )
    if not mot_de_passe:
        utilisateur.set_unusable_password()  # connexion par ProConnect, ou mot de passe choisi plus tard
        utilisateur.save(update_fields=["password"])
    profil = Profil.objects.create(utilisateur=utilisateur, role=role, organisme=organisme)
    profil.departements.set(deps)
    profil.epcis.set(liste_epci)
    profil.communes.set(liste_communes)
    return utilisateur


@transaction.atomic
def profil_organisation_definir(*, utilisateur, organisation) -> Profil:
    """Rattache un partenaire à son organisation (`actions.Organisation`) : il met à jour les lignes de financement
    qu'elle porte, et seulement celles-là."""
    profil = Profil.objects.filter(utilisateur=utilisateur).first()
    if profil is None or profil.role != Profil.Role.PARTENAIRE:
        raise ValidationError({"organisation": ["Seul un compte partenaire se rattache à une organisation."]})
    profil.organisation = organisation
    profil.save(update_fields=["organisation"])
    utilisateur.__dict__.pop("_perimetre_pvd", None)
    return profil


@transaction.atomic
@transaction.atomic
def compte_demo_creer(*, identifiant: str, mot_de_passe: str):
    """Le compte d'une démonstration locale (`pvd demo`) : un administrateur national, avec l'administration
    `/admin/`, comme tout administrateur national."""
    utilisateur = get_user_model().objects.create_user(
        identifiant, password=mot_de_passe, is_staff=True, is_superuser=True
    )
    Profil.objects.create(utilisateur=utilisateur, role=Profil.Role.NATIONAL)
    return utilisateur


@transaction.atomic
def compte_demo_remettre(*, utilisateur) -> None:
    """Un compte de démonstration créé par une version précédente, qui n'ouvrait pas l'administration, est remis au
    rôle d'administrateur national."""
    if not (utilisateur.is_staff and utilisateur.is_superuser):
        get_user_model().objects.filter(pk=utilisateur.pk).update(is_staff=True, is_superuser=True)
    Profil.objects.update_or_create(utilisateur=utilisateur, defaults={"role": Profil.Role.NATIONAL})


@transaction.atomic
def utilisateur_desactiver(*, email: str) -> int:
    """Désactive le compte et révoque ses jetons ; ses sessions cessent dès la requête suivante."""
    modele = get_user_model()
    utilisateur = modele.objects.filter(username=email.strip().lower()).first()
    if utilisateur is None:
        raise ValidationError({"email": [f"Aucun compte pour {email}."]})
    utilisateur.is_active = False
    utilisateur.save(update_fields=["is_active"])
    return JetonApi.objects.filter(utilisateur=utilisateur, revoque_le__isnull=True).update(
        revoque_le=timezone.now()
    )


@transaction.atomic
def jeton_creer(*, utilisateur, nom: str = "") -> str:
    """Crée un jeton personnel et le rend en clair : c'est la seule fois qu'on le voit."""
    if not utilisateur.is_active:
        raise ValidationError("Ce compte est désactivé.")
    secret = JetonApi.nouveau_secret()
    JetonApi.objects.create(
        utilisateur=utilisateur, nom=nom[:100], empreinte=JetonApi.empreinte_de(secret), debut=secret[:12]
    )
    return secret


USAGE_NOTE_TOUS_LES = timedelta(minutes=1)


def jeton_authentifier(secret: str):
    """L'utilisateur du jeton, ou None (inconnu, révoqué, compte désactivé).

    Une lecture par l'API ne doit pas dépendre d'une écriture : le dernier usage n'est noté qu'une fois par minute au
    plus (`USAGE_NOTE_TOUS_LES`), hors de toute transaction de la requête (l'intergiciel passe avant la vue), et une
    base occupée à écrire (un long import sur SQLite) ne fait pas échouer la lecture : l'usage sera noté la fois
    suivante."""
    jeton = (
        JetonApi.objects.select_related("utilisateur")
        .filter(empreinte=JetonApi.empreinte_de(secret), revoque_le__isnull=True, utilisateur__is_active=True)
        .first()
    )
    if jeton is None:
        return None
    maintenant = timezone.now()
    if jeton.dernier_usage is None or maintenant - jeton.dernier_usage >= USAGE_NOTE_TOUS_LES:
        try:
            with (
                transaction.atomic()
            ):  # sa propre transaction, courte (un point de sauvegarde si on est dans une autre)
                JetonApi.objects.filter(pk=jeton.pk).update(dernier_usage=maintenant)
        except DatabaseError:
            journal.warning("Dernier usage du jeton %s… non noté : base occupée.", jeton.debut)
    return jeton.utilisateur


def jeton_revoquer(*, utilisateur, debut: str = "") -> int:
    jetons = JetonApi.objects.filter(utilisateur=utilisateur, revoque_le__isnull=True)
    if debut:
        jetons = jetons.filter(debut__startswith=debut)
    return jetons.update(revoque_le=timezone.now())
