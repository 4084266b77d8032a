"""L'exemple du Lot avec une convention à signer, pour les tests des formulaires, de l'API et des droits.

La démonstration enregistre l'adhésion de Cazals-Salviac signée « au plus tard » le 19 décembre 2023 (jour de son
ORT) : ici, elle est remise telle que la préfecture l'avait avant d'en enregistrer la signature (en élaboration,
version 1, sans signataire), pour que les tests puissent la signer, la modifier et y ajouter des communes.
"""

from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Convention, Evenement, Programme, Signataire

CAZALS_SALVIAC = "200035327"


def charger_lot_avec_adhesion_a_signer(programme: Programme) -> Convention:
    charger_exemple_lot(programme)
    convention = Convention.objects.get(epci_id=CAZALS_SALVIAC, type=Convention.Type.ADHESION)
    Signataire.objects.filter(convention=convention).delete()
    Evenement.objects.filter(
        objet_type="convention", objet_id=str(convention.pk), apres__statut=Convention.Statut.SIGNEE
    ).delete()
    Convention.objects.filter(pk=convention.pk).update(
        statut=Convention.Statut.EN_ELABORATION,
        date_signature=None,
        precision_signature=Convention.PrecisionSignature.EXACTE,
        version=1,
    )
    convention.refresh_from_db()
    return convention
