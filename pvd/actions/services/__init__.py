"""Écritures du plan d'action : chaque fonction valide avant d'enregistrer, dans une transaction, et inscrit le
changement au journal du registre (`Evenement`, par `programmes.services.journaliser`). Pages, API, imports et
commandes les importent d'ici (`from pvd.actions import services`), quel que soit le module qui les écrit :

- `communs.py` : le verrou de version (`ConflitDeVersion`), la lecture d'un montant, les organisations ;
- `fiches.py` : les fiches actions et leur état daté ;
- `suivi.py` : coûts annuels, étapes, indicateurs ;
- `financements.py` : les lignes de financement et leur statut.

Règles tenues ici :
- une fiche appartient au plan d'une convention-cadre valant ORT (l'avenant qui l'a ajoutée en est un avenant) ; son
  numéro est unique dans ce plan ; ses communes sont celles de la convention ; son axe est un axe de l'ORT ou un
  thème du programme ; sa fin prévue ne précède pas son début ;
- l'état suit à l'étude → programmée → engagée → en cours → réalisée ; en pause, bloquée ou abandonnée à tout moment,
  avec un motif ; réalisée exige la fin réelle ; chaque changement est daté (historique `ChangementEtat`) ;
- une ligne de financement suit envisagée → sollicitée → accordée → versée, ou refusée ; une décision est datée ;
- deux modifications concurrentes d'une fiche ou d'une ligne : la seconde reçoit `ConflitDeVersion`, jamais
  d'écrasement silencieux (`UPDATE … WHERE version = …`, comme les conventions).

Les règles du financement (plafond du coût, 20 % du maître d'ouvrage, retard) ne bloquent rien : `regles.py` les
montre comme des avertissements.
"""

from .communs import (
    ConflitDeVersion,
    Trace,
    montant_lu,
    organisation_designee,
    organisation_obtenir,
    version_prendre,
)
from .fiches import (
    CHAMPS_FICHE,
    PRECISIONS,
    ProjetFiche,
    fiche_create,
    fiche_etat_changer,
    fiche_update,
    fiches_create,
    fiches_verifier,
)
from .financements import (
    CHAMPS_LIGNE,
    STATUTS_LIGNE,
    TRANSITIONS_LIGNE,
    ProjetLigne,
    ligne_create,
    ligne_update,
    lignes_create,
    lignes_verifier,
)
from .suivi import (
    cout_annuel_definir,
    etape_ajouter,
    etape_marquer,
    indicateur_ajouter,
    valeur_indicateur_ajouter,
)

__all__ = [
    "CHAMPS_FICHE",
    "CHAMPS_LIGNE",
    "PRECISIONS",
    "STATUTS_LIGNE",
    "TRANSITIONS_LIGNE",
    "ConflitDeVersion",
    "ProjetFiche",
    "ProjetLigne",
    "Trace",
    "cout_annuel_definir",
    "etape_ajouter",
    "etape_marquer",
    "fiche_create",
    "fiche_etat_changer",
    "fiche_update",
    "fiches_create",
    "fiches_verifier",
    "indicateur_ajouter",
    "ligne_create",
    "ligne_update",
    "lignes_create",
    "lignes_verifier",
    "montant_lu",
    "organisation_designee",
    "organisation_obtenir",
    "valeur_indicateur_ajouter",
    "version_prendre",
]
