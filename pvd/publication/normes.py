"""Le plan d'action dans deux standards nationaux, avec leurs schémas publiés (copiés dans `donnees/`, provenance
dans `donnees/PROVENANCE.md`) : on sert le schéma de l'éditeur, pas le nôtre.

- **SCDL « Subventions » 1.1** (OpenDataFrance) : une ligne par subvention accordée ou versée par l'État ou un
  partenaire, à la date de l'export. Ni l'autofinancement (le maître d'ouvrage ne se subventionne pas), ni les prêts
  (remboursables : pas des subventions), ni une demande encore envisagée, sollicitée ou refusée. Attribuant : le
  financeur ; bénéficiaire : le maître d'ouvrage. Le schéma demande des SIRET (14 chiffres) : celui de
  l'organisation, saisi dans l'administration ; à défaut, le SIREN (ceux des communes et EPCI viennent du COG), vide
  sinon — le seul écart au schéma, que les tests bornent.
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
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.db.models import F

from pvd.actions.models import (
    ETATS_CLOS,
    SUITE_DES_ETATS,
    ChangementEtat,
    Etat,
    FicheAction,
    LigneFinancement,
    StatutLigne,
    fin_de_periode,
)
from pvd.programmes.dates import ajouter_annees, fin_du_jour
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


def _fiches(programme: Programme, au: date, departement: str, publics: bool):
    """Les fiches exportées : celles du programme qui existaient à la date, des conventions publiées (par défaut),
    du département de suivi s'il est donné."""
    qs = FicheAction.objects.filter(convention__programme=programme).existantes_au(au)
    if publics:
        qs = qs.publiques()
    if departement:
        qs = qs.filter(convention__departement_suivi_id=departement)
    return qs


def _uuid(cle: str) -> str:
    return str(uuid.uuid5(ESPACE_UUID, cle))


@cache
def _uuid_commune(code: str) -> str:
    return _uuid(f"commune:{code}")


def _horodatage(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _objet(ligne: dict) -> str:
    texte = (
        f"{ligne['fiche__intitule']} — action {ligne['fiche__numero']} du plan d'action de la convention-cadre "
        f"{ligne['fiche__convention__epci__nom'] or ''}".strip()
    )
    if ligne["dispositif__nom"]:
        texte = f"{ligne['dispositif__nom']} : {texte}"
    return texte if len(texte) <= LONGUEUR_OBJET else texte[: LONGUEUR_OBJET - 1] + "…"


def _fin_de_l_action(ligne: dict) -> date | None:
    """La fin prévue de l'action au plus tard, sinon la fin estimée de la convention (signature + durée)."""
    if ligne["fiche__date_fin"]:
        return fin_de_periode(ligne["fiche__date_fin"], ligne["fiche__precision_fin"])
    signature, duree = ligne["fiche__convention__date_signature"], ligne["fiche__convention__duree_annees"]
    return ajouter_annees(signature, duree) if signature and duree else None


def _periode_de_versement(ligne: dict, versee: bool) -> tuple[str, str]:
    """(conditions, date ou période) : versée, la date du versement ; accordée, de la décision à la fin prévue de
    l'action (ou à la fin estimée de la convention) — une période, puisque la date exacte n'est pas connue."""
    if versee:
        return "unique", ligne["date_versement"].isoformat()
    decision, fin = ligne["date_decision"], _fin_de_l_action(ligne)
    if fin is not None and fin >= decision:
        return "selon la décision d'attribution", f"{decision.isoformat()}/{fin.isoformat()}"
    return "selon la décision d'attribution", decision.isoformat()


def jeu_subventions_scdl(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    """Une requête, sans objets : à l'échelle nationale (150 000 lignes), l'export reste de l'ordre de la seconde.
    Le statut à la date suit `LigneFinancement.statut_au` : accordée si décidée au plus tard ce jour-là, versée si
    le versement aussi."""
    jeu = _jeu(
        "subventions_scdl",
        f"Subventions accordées aux actions du programme {programme.nom} au {au.isoformat()} (SCDL 1.1)",
    )
    lignes = (
        LigneFinancement.objects.filter(
            cree_le__lt=fin_du_jour(au),
            fiche__in=_fiches(programme, au, departement, publics),
            statut__in=[StatutLigne.ACCORDEE, StatutLigne.VERSEE],
            date_decision__lte=au,
        )
        .exclude(financeur=F("fiche__maitre_ouvrage"))  # l'autofinancement n'est pas une subvention
        .exclude(dispositif__pret=True)  # un prêt se rembourse : pas une subvention
        .order_by("fiche__convention_id", "fiche__numero", "fiche_id", "pk")
        .values(
            "statut",
            "montant",
            "date_decision",
            "date_versement",
            "reference_decision",
            "financeur__nom",
            "financeur__siren",
            "financeur__siret",
            "dispositif__nom",
            "fiche__intitule",
            "fiche__numero",
            "fiche__date_fin",
            "fiche__precision_fin",
            "fiche__maitre_ouvrage__nom",
            "fiche__maitre_ouvrage__siren",
            "fiche__maitre_ouvrage__siret",
            "fiche__maitre_ouvrage__epci_id",
            "fiche__convention__epci__nom",
            "fiche__convention__date_signature",
            "fiche__convention__duree_annees",
        )
    )
    for ligne in lignes:
        versee = (
            ligne["statut"] == StatutLigne.VERSEE
            and ligne["date_versement"]
            and ligne["date_versement"] <= au
        )
        conditions, periode = _periode_de_versement(ligne, bool(versee))
        jeu.lignes.append(
            [
                ligne["financeur__nom"],
                ligne["financeur__siret"] or ligne["financeur__siren"],
                ligne["date_decision"],
                ligne["reference_decision"],
                ligne["fiche__maitre_ouvrage__nom"],
                ligne["fiche__maitre_ouvrage__siret"]
                or ligne["fiche__maitre_ouvrage__siren"]
                or ligne["fiche__maitre_ouvrage__epci_id"]
                or "",
                _objet(ligne),
                ligne["montant"],
                "aide en numéraire",
                conditions,
                periode,
                "",
                "non",
                Decimal("1.00"),
            ]
        )
    return jeu


STATUTS_DE_PHASE = {
    Etat.REALISEE: "Terminé",
    Etat.ABANDONNEE: "Abandonné",
    Etat.BLOQUEE: "Bloqué",
    Etat.EN_PAUSE: "En pause",
}


def _phase(changements: list[tuple[date, str]], fiche: dict, au: date) -> tuple[str, str]:
    """(phase, statut de la phase) du schéma, comme `FicheAction.etat_au` et `en_retard_au` : « Étude » tant que
    l'action est à l'étude, « Opération » dès qu'elle est programmée (une action en pause reste dans la phase
    qu'elle avait atteinte) ; « En retard » passée sa fin prévue (fin de la période), ni réalisée ni abandonnée."""
    etat = atteint = Etat.A_L_ETUDE
    for jour, valeur in changements:  # dans l'ordre (date, pk)
        if jour <= au:
            etat = valeur
            if valeur in SUITE_DES_ETATS:
                atteint = valeur
    phase = "Étude" if atteint == Etat.A_L_ETUDE else "Opération"
    if etat in STATUTS_DE_PHASE:
        return phase, STATUTS_DE_PHASE[etat]
    fin = fin_de_periode(fiche["date_fin"], fiche["precision_fin"]) if fiche["date_fin"] else None
    return phase, "En retard" if fin is not None and fin < au and etat not in ETATS_CLOS else "En cours"


def jeu_projets(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    """Trois requêtes (fiches, historique des états, communes), sans objets, quel que soit le nombre de fiches."""
    jeu = _jeu("projets", f"Projets (fiches actions) du programme {programme.nom} au {au.isoformat()}")
    qs = _fiches(programme, au, departement, publics)
    changements = defaultdict(list)
    for fiche_id, jour, etat in (
        ChangementEtat.objects.filter(fiche__in=qs)
        .order_by("date", "pk")
        .values_list("fiche_id", "date", "etat")
    ):
        changements[fiche_id].append((jour, etat))
    communes = defaultdict(list)
    for fiche_id, code in (
        FicheAction.communes.through.objects.filter(ficheaction__in=qs)
        .order_by("commune_id")
        .values_list("ficheaction_id", "commune_id")
    ):
        communes[fiche_id].append(code)
    fiches = qs.order_by("convention_id", "numero", "pk").values(
        "pk",
        "cree_le",
        "modifie_le",
        "intitule",
        "description",
        "cout_ht",
        "cout_ttc",
        "date_debut",
        "date_fin",
        "precision_fin",
        "maitre_ouvrage__epci_id",
        "maitre_ouvrage__siret",
    )
    for fiche in fiches:
        phase, statut = _phase(changements[fiche["pk"]], fiche, au)
        cout = fiche["cout_ttc"] if fiche["cout_ttc"] is not None else fiche["cout_ht"]
        ids = [_uuid_commune(code) for code in communes[fiche["pk"]]]
        if fiche["maitre_ouvrage__epci_id"]:
            ids.append(_uuid(f"epci:{fiche['maitre_ouvrage__epci_id']}"))
        jeu.lignes.append(
            [
                _uuid(f"fiche:{fiche['pk']}"),
                _horodatage(fiche["cree_le"]),
                _horodatage(fiche["modifie_le"]),
                fiche["intitule"],
                fiche["description"],
                int(cout.quantize(Decimal(1), rounding=ROUND_HALF_UP)) if cout is not None else None,
                fiche["date_debut"],
                phase,
                statut,
                programme.nom,
                fiche["maitre_ouvrage__siret"],  # porteurCodeSiret : saisi dans l'administration, ou vide
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
