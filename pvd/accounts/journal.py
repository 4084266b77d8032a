"""Journal de sécurité : connexions réussies ou non, déconnexions, verrouillages, accès refusés, jetons invalides.

Les connexions passent par les signaux d'authentification de Django, les verrouillages par celui de django-axes
(`user_locked_out`, envoyé au cinquième échec puis à chaque tentative pendant la suspension) : un effet de bord, pas un
flux métier.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import EvenementSecurite


def adresse_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def securite_journaliser(
    type: str, request=None, utilisateur=None, identifiant: str = "", detail: str = ""
) -> None:
    if utilisateur is not None and not getattr(utilisateur, "is_authenticated", False):
        utilisateur = None
    EvenementSecurite.objects.create(
        type=type,
        utilisateur=utilisateur,
        identifiant=(identifiant or (utilisateur.get_username() if utilisateur else ""))[:254],
        adresse_ip=adresse_ip(request),
        chemin=(request.get_full_path() if request is not None else "")[:500],
        detail=detail[:500],
    )


def securite_purger(*, avant) -> int:
    """Efface les événements antérieurs à `avant` (la commande `pvd securite purger` garde au moins trois mois) ;
    rend leur nombre."""
    effaces, _ = EvenementSecurite.objects.filter(fait_le__lt=avant).delete()
    return effaces


@receiver(user_logged_in)
def _connexion(sender, request, user, **kwargs):
    securite_journaliser(EvenementSecurite.Type.CONNEXION, request, user)


@receiver(user_logged_out)
def _deconnexion(sender, request, user, **kwargs):
    securite_journaliser(EvenementSecurite.Type.DECONNEXION, request, user)


@receiver(user_login_failed)
def _echec(sender, credentials, request=None, **kwargs):
    securite_journaliser(
        EvenementSecurite.Type.ECHEC, request, identifiant=str(credentials.get("username", ""))
    )


@receiver(user_locked_out)
def _verrouillage(sender, request=None, username=None, **kwargs):
    securite_journaliser(
        EvenementSecurite.Type.VERROUILLAGE,
        request,
        identifiant=str(username or ""),
        detail=f"connexion suspendue {round(settings.AXES_COOLOFF_TIME * 60)} minutes",
    )
