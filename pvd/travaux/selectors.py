"""Lectures des travaux longs : un travail ne se voit que par son auteur et par l'équipe nationale."""

from pvd.accounts import perimetres

from .models import Travail


def travail_visible(*, pk, utilisateur) -> Travail | None:
    """Le travail, s'il est lisible par ce compte ; None sinon (la page répond 404, sans dire qu'il existe)."""
    travail = Travail.objects.filter(pk=pk).select_related("auteur").first()
    if travail is None or not utilisateur.is_authenticated:
        return None
    if travail.auteur_id == utilisateur.pk or perimetres.est_administrateur_national(utilisateur):
        return travail
    return None


def travaux_de(utilisateur, limite: int = 20) -> list[Travail]:
    """Les derniers travaux lancés par ce compte."""
    return list(Travail.objects.filter(auteur=utilisateur)[:limite])
