"""Écritures du programme : chaque fonction valide avant d'enregistrer, dans une transaction, et journalise. Les
pages, l'API, les imports et les commandes appellent ces fonctions, jamais l'ORM ; ils les importent d'ici
(`from pvd.programmes import services`), quel que soit le module qui les écrit :

- `journal.py` : qui agit (`Trace`), le journal des changements, le verrou de version et la modification champ par
  champ que partagent les `*_update` ;
- `laureats.py` : l'inscription des lauréats, leurs modifications, l'identifiant contesté, leurs documents sources ;
- `conventions.py` : la création des conventions, leurs champs et leurs communes (lauréate et membre de l'EPCI à la
  date de référence, une seule adhésion par commune) ;
- `signature.py` : la signature et la résiliation (transitions de statut, signataires, PDF) ;
- `chefs_de_projet.py` : les postes de chef de projet et les plafonds de cofinancement du programme ;
- `publication.py` : le drapeau `publie` des lauréats et des conventions.
"""

from .chefs_de_projet import poste_record, verifier_cofinancement
from .conventions import (
    CHAMPS_MODIFIABLES,
    ProjetConvention,
    adhesions_existantes,
    convention_add_commune,
    convention_create,
    convention_update,
    conventions_create,
    conventions_verifier,
)
from .journal import ConflitDeVersion, Trace, evenement, journaliser, objet_update, version_prendre
from .laureats import (
    Inscription,
    Mention,
    commune_disparue,
    commune_hors_seuil,
    document_obtenir,
    laureat_identifiant_trancher,
    laureat_register,
    laureat_update,
    laureats_register,
    laureats_verifier,
    sources_ajouter,
)
from .publication import publication_definir
from .signature import TRANSITIONS, convention_sign, convention_terminate, verifier_pdf

__all__ = [
    "CHAMPS_MODIFIABLES",
    "TRANSITIONS",
    "ConflitDeVersion",
    "Inscription",
    "Mention",
    "ProjetConvention",
    "Trace",
    "adhesions_existantes",
    "commune_disparue",
    "commune_hors_seuil",
    "convention_add_commune",
    "convention_create",
    "convention_sign",
    "convention_terminate",
    "convention_update",
    "conventions_create",
    "conventions_verifier",
    "document_obtenir",
    "evenement",
    "journaliser",
    "laureat_identifiant_trancher",
    "laureat_register",
    "laureat_update",
    "laureats_register",
    "laureats_verifier",
    "objet_update",
    "poste_record",
    "publication_definir",
    "sources_ajouter",
    "verifier_cofinancement",
    "verifier_pdf",
    "version_prendre",
]
