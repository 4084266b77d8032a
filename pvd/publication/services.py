"""Écritures de la publication : ce que publie un département d'un coup, les réglages de son communiqué."""

from django.db import transaction

from pvd.programmes.models import Convention, Evenement, Laureat, Programme
from pvd.programmes.services import Trace, journaliser, publication_definir
from pvd.territoires.models import Departement

from .models import ParametresDepartement


@transaction.atomic
def parametres_enregistrer(*, departement: Departement, trace: Trace, **champs) -> ParametresDepartement:
    """Enregistre le contact presse (et les autres réglages donnés) du département, pour les prochains communiqués."""
    permis = {"titre_prefet", "nom_prefet", "lieu", "contact_presse"}
    inconnus = set(champs) - permis
    if inconnus:
        raise ValueError(f"Réglages inconnus : {', '.join(sorted(inconnus))}")
    parametres, cree = ParametresDepartement.objects.get_or_create(departement=departement)
    avant = {k: getattr(parametres, k) for k in champs}
    for k, v in champs.items():
        setattr(parametres, k, v.strip() if isinstance(v, str) else v)
    parametres.save()
    journaliser(
        parametres,
        Evenement.Action.CREATION if cree else Evenement.Action.MODIFICATION,
        f"Réglages de publication {departement.avec_charniere} enregistrés",
        trace,
        avant=avant,
        apres=champs,
    )
    return parametres


@transaction.atomic
def departement_publier(*, programme: Programme, departement: Departement, trace: Trace) -> int:
    """Publie d'un coup ce qu'un département suit : ses lauréats et ses conventions signées (ou résiliées) ; une
    convention en cours d'élaboration attend sa signature. Rend le nombre d'objets nouvellement publiés."""
    objets = [
        *Laureat.objects.filter(programme=programme, departement_suivi=departement),
        *Convention.objects.filter(programme=programme, departement_suivi=departement).exclude(
            statut=Convention.Statut.EN_ELABORATION
        ),
    ]
    return publication_definir(objets=objets, publie=True, trace=trace)
