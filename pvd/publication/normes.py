"""Le plan d'action dans deux standards nationaux, avec leurs schémas publiés (copiés dans `donnees/`, provenance
dans `donnees/PROVENANCE.md`) : on sert le schéma de l'éditeur, pas le nôtre.

- **SCDL « Subventions » 1.1** (OpenDataFrance) : une ligne par subvention accordée ou versée par l'État ou un
  partenaire, à la date de l'export. Ni l'autofinancement (le maître d'ouvrage ne se subventionne pas), ni les prêts
  (remboursables : pas des subventions), ni une demande encore envisagée, sollicitée ou refusée. Attribuant : le
  financeur ; bénéficiaire : le maître d'ouvrage. Le schéma demande des SIRET (14 chiffres) ; le registre ne tient
  que des SIREN (ceux des communes et EPCI, du COG) : nous publions le SIREN quand il est connu, vide sinon — le seul
  écart au schéma, que les tests bornent.
- **Projets des collectivités** (schéma `projets-territoire` v0.1.1 des communs de la transition écologique) : une
  ligne par fiche action, pour qu'une commune n'ait pas à ressaisir ses projets. Les champs du référent (nom,
  prénom, courriel, téléphone, fonction) restent toujours vides : ce sont des données personnelles. Les identifiants
  sont des UUID v5 stables, calculés dans l'espace `ESPACE_UUID` : `fiche:<numéro de la fiche dans le registre>`
  pour un projet, `commune:<code INSEE>` ou `epci:<SIREN>` pour une collectivité — chacun peut les recalculer.

Seules les fiches des conventions publiées (par défaut), telles qu'elles étaient à la date ; aucune donnée
personnelle.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from pvd.actions import regles
from pvd.actions.models import SUITE_DES_ETATS, Etat, FicheAction, StatutLigne
from pvd.actions.selectors import fiches
from pvd.programmes.models import Programme

from .exports import Colonne, Jeu

DONNEES = Path(__file__).with_name("donnees")
SCHEMAS = {
    "subventions_scdl": "scdl-subventions-1.1.json",
    "projets": "projets-territoire-0.1.1.json",
}
ESPACE_UUID = uuid.UUID("5d0b7a3e-1c1f-4c6e-9a53-70766420a1c7")  # propre à PVD, fixé une fois pour toutes
LONGUEUR_OBJET = 256


@cache
def schema_publie(jeu: str) -> dict:
    return json.loads((DONNEES / SCHEMAS[jeu]).read_text(encoding="utf-8"))


@dataclass
class JeuNormalise(Jeu):
    """Un jeu dont le schéma est celui d'un standard publié, pas celui que décrivent nos colonnes."""

    schema_source: dict = field(default_factory=dict)

    def schema(self) -> dict:
        return self.schema_source


def _jeu(nom: str, titre: str) -> JeuNormalise:
    schema = schema_publie(nom)
    colonnes = [
        Colonne(
            f["name"],
            f["type"],
            f.get("description", ""),
            bool(f.get("constraints", {}).get("required")),
        )
        for f in schema["fields"]
    ]
    return JeuNormalise(nom, titre, colonnes, schema_source=schema)


def _fiches(programme: Programme, au: date, departement: str, publics: bool) -> list[FicheAction]:
    """Comme `plans._fiches`, avec l'EPCI de la convention (nommé dans l'objet d'une subvention)."""
    qs = FicheAction.objects.filter(convention__programme=programme).existantes_au(au)
    if publics:
        qs = qs.publiques()
    if departement:
        qs = qs.filter(convention__departement_suivi_id=departement)
    return list(fiches(qs).select_related("convention__epci").order_by("convention_id", "numero", "pk"))


def _uuid(cle: str) -> str:
    return str(uuid.uuid5(ESPACE_UUID, cle))


def _horodatage(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _objet(fiche: FicheAction, dispositif) -> str:
    texte = (
        f"{fiche.intitule} — action {fiche.numero} du plan d'action de la convention-cadre "
        f"{fiche.convention.epci.nom if fiche.convention.epci_id else ''}".strip()
    )
    if dispositif is not None:
        texte = f"{dispositif.nom} : {texte}"
    return texte if len(texte) <= LONGUEUR_OBJET else texte[: LONGUEUR_OBJET - 1] + "…"


def _periode_de_versement(ligne, statut: str, fiche: FicheAction) -> tuple[str, str]:
    """(conditions, date ou période) : versée, la date du versement ; accordée, de la décision à la fin prévue de
    l'action (ou à la fin estimée de la convention) — une période, puisque la date exacte n'est pas connue."""
    if statut == StatutLigne.VERSEE:
        return "unique", ligne.date_versement.isoformat()
    fin = fiche.fin_prevue_au_plus_tard or fiche.convention.date_fin_estimee
    if fin is not None and fin >= ligne.date_decision:
        return "selon la décision d'attribution", f"{ligne.date_decision.isoformat()}/{fin.isoformat()}"
    return "selon la décision d'attribution", ligne.date_decision.isoformat()


def jeu_subventions_scdl(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    jeu = _jeu(
        "subventions_scdl",
        f"Subventions accordées aux actions du programme {programme.nom} au {au.isoformat()} (SCDL 1.1)",
    )
    for fiche in _fiches(programme, au, departement, publics):
        mo = fiche.maitre_ouvrage
        for ligne, statut in regles.plan(fiche, au, publique=True).lignes:
            if statut not in (StatutLigne.ACCORDEE, StatutLigne.VERSEE):
                continue
            if ligne.financeur_id == fiche.maitre_ouvrage_id or (
                ligne.dispositif_id and ligne.dispositif.pret
            ):
                continue
            conditions, periode = _periode_de_versement(ligne, statut, fiche)
            jeu.lignes.append(
                [
                    ligne.financeur.nom,
                    ligne.financeur.siren,
                    ligne.date_decision,
                    ligne.reference_decision,
                    mo.nom,
                    mo.siren or mo.epci_id or "",
                    _objet(fiche, ligne.dispositif if ligne.dispositif_id else None),
                    ligne.montant,
                    "aide en numéraire",
                    conditions,
                    periode,
                    "",
                    "non",
                    Decimal("1.00"),
                ]
            )
    return jeu


def _phase(fiche: FicheAction, au: date) -> tuple[str, str]:
    """(phase, statut de la phase) du schéma : « Étude » tant que l'action est à l'étude, « Opération » dès qu'elle
    est programmée (une action en pause reste dans la phase qu'elle avait atteinte)."""
    atteint = Etat.A_L_ETUDE
    for changement in fiche.changements_etat.all():
        if changement.date <= au and changement.etat in SUITE_DES_ETATS:
            atteint = changement.etat
    phase = "Étude" if atteint == Etat.A_L_ETUDE else "Opération"
    statuts = {
        Etat.REALISEE: "Terminé",
        Etat.ABANDONNEE: "Abandonné",
        Etat.BLOQUEE: "Bloqué",
        Etat.EN_PAUSE: "En pause",
    }
    etat = fiche.etat_au(au)
    if etat in statuts:
        return phase, statuts[etat]
    return phase, "En retard" if fiche.en_retard_au(au) else "En cours"


def collectivite_ids(fiche: FicheAction) -> list[str]:
    """Les communes concernées, et l'EPCI s'il est maître d'ouvrage (`communes` préchargées)."""
    ids = [_uuid(f"commune:{commune.code}") for commune in fiche.communes.all()]
    if fiche.maitre_ouvrage.epci_id:
        ids.append(_uuid(f"epci:{fiche.maitre_ouvrage.epci_id}"))
    return ids


def jeu_projets(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    jeu = _jeu("projets", f"Projets (fiches actions) du programme {programme.nom} au {au.isoformat()}")
    for fiche in _fiches(programme, au, departement, publics):
        phase, statut = _phase(fiche, au)
        cout = fiche.cout_reference
        ids = collectivite_ids(fiche)
        jeu.lignes.append(
            [
                _uuid(f"fiche:{fiche.pk}"),
                _horodatage(fiche.cree_le),
                _horodatage(fiche.modifie_le),
                fiche.intitule,
                fiche.description,
                int(cout.quantize(Decimal(1), rounding=ROUND_HALF_UP)) if cout is not None else None,
                fiche.date_debut,
                phase,
                statut,
                programme.nom,
                "",  # porteurCodeSiret : le registre ne tient que le SIREN
                "",  # porteurReferentEmail, Telephone, Prenom, Nom, Fonction : données personnelles, jamais
                "",
                "",
                "",
                "",
                "",  # competences (référentiel M57) et leviers : non tenus par le registre
                "",
                "",  # mecId, tetId, recocoId : identifiants d'autres services, inconnus ici
                "",
                "",
                json.dumps(ids) if ids else "",
            ]
        )
    return jeu
