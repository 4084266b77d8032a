"""Lectures des imports : le fichier qu'un compte a déposé, et quelle correspondance de colonnes lui proposer."""

from __future__ import annotations

from .models import CorrespondanceColonnes, FichierImport
from .pipeline import proposer_correspondance


def fichier_en_attente(*, pk, auteur) -> FichierImport | None:
    """Le fichier déposé par ce compte et pas encore importé ; None pour celui d'un autre ou un fichier effacé."""
    return FichierImport.objects.filter(pk=pk, auteur=auteur).select_related("departement").first()


def correspondance_retenue(
    fichier: FichierImport, titres: list[str], saisie: dict[str, str] | None
) -> dict[str, str]:
    """Quelle colonne donne quel champ, dans cet ordre : celle que l'on vient de choisir (`saisie`), celle imposée
    au fichier (un communiqué lu), celle enregistrée pour le département au dernier import, sinon celle que
    `proposer_correspondance` devine d'après les titres. Seuls les titres présents dans le fichier sont gardés."""
    if saisie is not None:
        return saisie
    if fichier.correspondance:
        return {t: c for t, c in fichier.correspondance.items() if t in titres}
    enregistree = CorrespondanceColonnes.objects.filter(
        departement_id=fichier.departement_id, source=fichier.source
    ).first()
    if enregistree:
        return {t: c for t, c in enregistree.correspondances.items() if t in titres}
    return proposer_correspondance(titres)
