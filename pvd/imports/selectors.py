"""Lectures des imports : le fichier qu'un compte a déposé, et quelle correspondance de colonnes lui proposer."""

from __future__ import annotations

from pvd.territoires.fichiers import FichierIllisible
from pvd.territoires.models import Departement

from .colonnes import proposer_correspondance
from .lecture import lire_tableau
from .models import CorrespondanceColonnes, FichierImport


def fichier_en_attente(*, pk, auteur) -> FichierImport | None:
    """Le fichier déposé par ce compte et pas encore importé ; None pour celui d'un autre ou un fichier effacé."""
    return FichierImport.objects.filter(pk=pk, auteur=auteur).select_related("departement").first()


def correspondance_retenue(
    fichier: FichierImport, titres: list[str], saisie: dict[str, str] | None
) -> dict[str, str]:
    """Quelle colonne donne quel champ, dans cet ordre : celle que l'on vient de choisir (`saisie`), celle imposée
    au fichier (un communiqué lu), sinon celle que propose `correspondance_proposee`. Seuls les titres présents dans
    le fichier sont gardés."""
    if saisie is not None:
        return saisie
    if fichier.correspondance:
        return {t: c for t, c in fichier.correspondance.items() if t in titres}
    return correspondance_proposee(titres, fichier.departement, fichier.source)[0]


def correspondance_proposee(
    titres: list[str], departement: Departement | None, source: str = "tableur"
) -> tuple[dict[str, str], str]:
    """Ce qu'on propose pour un tableur, sur le site comme en ligne de commande : la correspondance retenue pour le
    département au dernier import, sinon celle devinée d'après les titres ; et d'où elle vient."""
    if departement is not None:
        enregistree = CorrespondanceColonnes.objects.filter(departement=departement, source=source).first()
        if enregistree:
            retenue = {t: c for t, c in enregistree.correspondances.items() if t in titres}
            if retenue:
                return retenue, f"celle retenue pour le département {departement.code} au dernier import"
    return proposer_correspondance(titres), "devinée d'après les titres des colonnes"


def lignes_du_fichier(fichier: FichierImport) -> int:
    """Le nombre de lignes du fichier déposé (en-tête compris) : assez pour décider s'il s'importe hors de la
    requête, en un travail long (`PVD_IMPORT_LIGNES_TACHE`). Un fichier illisible compte zéro : l'import dira
    pourquoi."""
    try:
        return len(lire_tableau(bytes(fichier.contenu), fichier.nom).lignes)
    except FichierIllisible:
        return 0
