"""Les données ouvertes du plan d'action : une ligne par fiche action, une ligne par ligne de financement.

Seulement les fiches des conventions publiées (par défaut), telles qu'elles étaient à la date ; jamais une ligne de
financement encore envisagée ; codes INSEE et SIREN, aucune donnée personnelle. Mêmes écritures (CSV, XLSX) et
Table Schema que les autres jeux (`exports.py`).
"""

from __future__ import annotations

from datetime import date

from pvd.actions import regles
from pvd.actions.models import FicheAction, StatutLigne
from pvd.actions.selectors import fiches
from pvd.programmes.models import Programme

from .exports import Colonne, Jeu


def _fiches(programme: Programme, au: date, departement: str, publics: bool) -> list[FicheAction]:
    qs = FicheAction.objects.filter(convention__programme=programme).existantes_au(au)
    if publics:
        qs = qs.publiques()
    if departement:
        qs = qs.filter(convention__departement_suivi_id=departement)
    return list(fiches(qs).order_by("convention_id", "numero", "pk"))


def jeu_fiches_actions(programme: Programme, au: date, departement: str = "", publics: bool = True) -> Jeu:
    colonnes = [
        Colonne("id_fiche", "integer", "Numéro de la fiche dans le registre", True),
        Colonne("programme", "string", "Programme"),
        Colonne("id_convention", "integer", "Numéro de la convention-cadre dans le registre", True),
        Colonne("numero", "string", "Numéro de la fiche dans la convention (« 1.2 »)", True),
        Colonne("intitule", "string", "Intitulé de l'action", True),
        Colonne("axe_code", "string", "Code de l'axe (les cinq axes de l'ORT, ou un thème du programme)"),
        Colonne("axe", "string", "Axe"),
        Colonne("epci_siren", "string", "SIREN de l'EPCI de la convention"),
        Colonne("departement_suivi", "string", "Code du département qui suit la convention"),
        Colonne("communes_insee", "string", "Codes INSEE des communes concernées, séparés par « ; »"),
        Colonne("maitre_ouvrage", "string", "Nom du maître d'ouvrage"),
        Colonne("maitre_ouvrage_siren", "string", "SIREN du maître d'ouvrage"),
        Colonne("maitre_ouvrage_nature", "string", "Nature du maître d'ouvrage (commune, epci, operateur…)"),
        Colonne("date_debut", "date", "Début prévu (premier jour de la période)"),
        Colonne("precision_debut", "string", "Précision du début : jour, mois, trimestre, annee"),
        Colonne("date_fin", "date", "Fin prévue (premier jour de la période)"),
        Colonne("precision_fin", "string", "Précision de la fin : jour, mois, trimestre, annee"),
        Colonne("date_fin_reelle", "date", "Fin réelle"),
        Colonne("etat", "string", "État à la date de l'export"),
        Colonne("en_retard", "boolean", "Passée sa fin prévue, ni réalisée ni abandonnée"),
        Colonne("cout_ht", "number", "Coût HT en euros"),
        Colonne("cout_ttc", "number", "Coût TTC en euros"),
        Colonne(
            "financement_total", "number", "Somme des lignes sollicitées, accordées ou versées, en euros"
        ),
        Colonne("source", "string", "Document public d'où vient la fiche"),
    ]
    jeu = Jeu("fiches_actions", f"Fiches actions du programme {programme.nom} au {au.isoformat()}", colonnes)
    for fiche in _fiches(programme, au, departement, publics):
        jeu.lignes.append(
            [
                fiche.pk,
                programme.slug,
                fiche.convention_id,
                fiche.numero,
                fiche.intitule,
                fiche.axe.code,
                fiche.axe.nom,
                fiche.convention.epci_id,
                fiche.convention.departement_suivi_id,
                " ; ".join(c.code for c in fiche.communes.all()),
                fiche.maitre_ouvrage.nom,
                fiche.maitre_ouvrage.siren,
                fiche.maitre_ouvrage.nature,
                fiche.date_debut,
                fiche.precision_debut if fiche.date_debut else None,
                fiche.date_fin,
                fiche.precision_fin if fiche.date_fin else None,
                fiche.date_fin_reelle,
                fiche.etat_au(au),
                fiche.en_retard_au(au),
                fiche.cout_ht,
                fiche.cout_ttc,
                regles.plan(fiche, au, publique=True).total,
                fiche.source,
            ]
        )
    return jeu


def jeu_lignes_financement(
    programme: Programme, au: date, departement: str = "", publics: bool = True
) -> Jeu:
    colonnes = [
        Colonne("id_ligne", "integer", "Numéro de la ligne dans le registre", True),
        Colonne("id_fiche", "integer", "Numéro de la fiche action", True),
        Colonne("id_convention", "integer", "Numéro de la convention-cadre", True),
        Colonne("numero_fiche", "string", "Numéro de la fiche dans la convention"),
        Colonne("financeur", "string", "Nom du financeur", True),
        Colonne("financeur_siren", "string", "SIREN du financeur"),
        Colonne("financeur_nature", "string", "Nature du financeur (etat, region, operateur…)"),
        Colonne("autofinancement", "boolean", "Le financeur est le maître d'ouvrage"),
        Colonne("dispositif_code", "string", "Code du dispositif (detr, dsil, fonds-vert…)"),
        Colonne("dispositif", "string", "Dispositif"),
        Colonne("montant", "number", "Montant en euros", True),
        Colonne(
            "statut", "string", "Statut à la date de l'export : sollicitee, accordee, versee, refusee", True
        ),
        Colonne("date_demande", "date", "Date de la demande"),
        Colonne("date_decision", "date", "Date de la décision"),
        Colonne("reference_decision", "string", "Référence de la décision"),
        Colonne("date_versement", "date", "Date du versement"),
    ]
    jeu = Jeu(
        "lignes_financement",
        f"Lignes de financement du programme {programme.nom} au {au.isoformat()}",
        colonnes,
    )
    for fiche in _fiches(programme, au, departement, publics):
        for ligne, statut in regles.plan(fiche, au, publique=True).lignes:
            decidee = statut in (StatutLigne.ACCORDEE, StatutLigne.VERSEE, StatutLigne.REFUSEE)
            jeu.lignes.append(
                [
                    ligne.pk,
                    fiche.pk,
                    fiche.convention_id,
                    fiche.numero,
                    ligne.financeur.nom,
                    ligne.financeur.siren,
                    ligne.financeur.nature,
                    ligne.financeur_id == fiche.maitre_ouvrage_id,
                    ligne.dispositif.code if ligne.dispositif_id else None,
                    ligne.dispositif.nom if ligne.dispositif_id else None,
                    ligne.montant,
                    statut,
                    ligne.date_demande,
                    ligne.date_decision if decidee else None,
                    ligne.reference_decision if decidee else "",
                    ligne.date_versement if statut == StatutLigne.VERSEE else None,
                ]
            )
    return jeu
