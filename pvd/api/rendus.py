"""Les longues listes de l'API (lauréats, conventions, fiches actions, communes, EPCI), écrites directement en JSON.

Une page de 500 lauréats passée par les schémas coûtait environ 140 ms sur un registre national : des milliers
d'objets du modèle construits, chacun relu attribut par attribut par django-ninja (`DjangoGetter`), puis 50 000 dates
encodées une à une par l'encodeur JSON. Ici, on lit des tuples (`values_list`), on écrit les dictionnaires dans
l'ordre des champs du schéma et les dates déjà en texte (ISO 8601), et l'on rend la réponse telle quelle : le même
contenu, octet pour octet, que par les schémas (`tests/api/test_rendus.py` compare les deux sur les données du Lot
et valide le résultat contre le schéma), qui restent la description publiée dans l'OpenAPI (ADR 0015).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from pvd.actions import regles
from pvd.programmes.jalons import avancements
from pvd.programmes.models import Convention, ConventionCommune, Programme, Signataire
from pvd.programmes.selectors import LaureatCompte
from pvd.territoires.models import Epci

# Ce que rend django-ninja (`NinjaAPI.get_content_type`).
TYPE_JSON = "application/json; charset=utf-8"


def reponse_json(donnees: dict) -> HttpResponse:
    """La réponse telle que django-ninja l'écrirait (même encodeur, mêmes séparateurs)."""
    return HttpResponse(json.dumps(donnees, cls=NinjaJSONEncoder), content_type=TYPE_JSON)


def _jour(valeur: date | None) -> str | None:
    return None if valeur is None else valeur.isoformat()


def _page(qs: QuerySet, filtres, champs: tuple[str, ...]) -> tuple[int, list[tuple]]:
    debut = filtres.offset
    return qs.count(), list(qs.values_list(*champs)[debut : debut + filtres.limit])


def _entete(total: int, filtres, **autres) -> dict:
    return {"total": total, "limit": filtres.limit, "offset": filtres.offset, **autres}


def page_laureats(qs: QuerySet, filtres, programme: Programme, au: date, publiques: bool) -> dict:
    """`PageLaureats` : les lauréats de la page et leurs jalons à la date `au`."""
    total, lignes = _page(
        qs,
        filtres,
        (
            "pk",
            "commune_id",
            "commune__nom",
            "commune__departement_id",
            "commune__epci_id",
            "commune__epci__nom",
            "departement_suivi_id",
            "date_selection",
            "precision_selection",
            "identifiant_national",
            "source",
            "date_sortie",
        ),
    )
    comptes = [LaureatCompte(ligne[0], ligne[1], ligne[7], ligne[8], "") for ligne in lignes]
    jalons = {
        a.laureat.pk: [
            {
                "etape": str(j.etape),
                "date": _jour(j.date),
                "echeance": _jour(j.echeance),
                "etat": str(j.etat),
                "retard_jours": j.retard_jours,
            }
            for j in a.tous
        ]
        for a in avancements(programme, comptes, au, publiques=publiques)
    }
    resultats = [
        {
            "id": pk,
            "programme": programme.slug,
            "commune": {"insee": code, "nom": nom, "departement": dep},
            "epci": None if siren is None else {"siren": siren, "nom": nom_epci},
            "departement_suivi": suivi,
            "date_selection": _jour(selection),
            "precision_selection": precision,
            "identifiant_national": identifiant,
            "source": source,
            "date_sortie": _jour(sortie),
            "jalons": jalons[pk],
        }
        for (
            pk,
            code,
            nom,
            dep,
            siren,
            nom_epci,
            suivi,
            selection,
            precision,
            identifiant,
            source,
            sortie,
        ) in lignes
    ]
    return _entete(total, filtres, au=au.isoformat(), resultats=resultats)


CHAMPS_STATUT = ("date_ouverture", "date_signature", "date_resiliation", "cree_le")


def page_conventions(qs: QuerySet, filtres, programme: Programme, au: date) -> dict:
    """`PageConventions` : les conventions de la page, leur statut, leurs communes et leurs signataires à la date
    `au`, en quatre requêtes (compte, conventions, communes, signataires)."""
    debut = filtres.offset
    total = qs.count()
    conventions = list(
        qs.prefetch_related(None)
        .select_related(None)
        .select_related("epci")
        .only(
            "type",
            "statut",
            "precision_signature",
            "date_signature_prevue",
            "lieu_signature",
            "duree_annees",
            "departement_suivi_id",
            "epci__nom",
            "parent_id",
            "version",
            *CHAMPS_STATUT,
        )[debut : debut + filtres.limit]
    )
    ids = [c.pk for c in conventions]
    communes = defaultdict(list)
    for convention_id, code, nom, dep, role in (
        ConventionCommune.objects.filter(convention_id__in=ids)
        .order_by("ordre", "id")
        .values_list("convention_id", "commune_id", "commune__nom", "commune__departement_id", "role")
    ):
        communes[convention_id].append({"insee": code, "nom": nom, "departement": dep, "role": role})
    signataires = defaultdict(list)
    for convention_id, partie, organisme, nom, qualite, deliberation in (
        Signataire.objects.filter(convention_id__in=ids)
        .order_by("ordre", "id")
        .values_list("convention_id", "partie", "organisme", "nom", "qualite", "date_deliberation")
    ):
        signataires[convention_id].append(
            {
                "partie": partie,
                "organisme": organisme,
                "nom": nom,
                "qualite": qualite,
                "date_deliberation": _jour(deliberation),
            }
        )
    signees = (Convention.Statut.SIGNEE, Convention.Statut.RESILIEE)
    resultats = []
    for c in conventions:
        statut = c.statut_au(au)
        signee = statut in signees
        resultats.append(
            {
                "id": c.pk,
                "programme": programme.slug,
                "type": c.type,
                "statut": None if statut is None else str(statut),
                "date_signature": _jour(c.date_signature) if signee else None,
                "precision_signature": c.precision_signature if signee else None,
                "date_signature_prevue": _jour(c.date_signature_prevue),
                "date_ouverture": _jour(c.date_ouverture),
                "lieu_signature": c.lieu_signature,
                "duree_annees": c.duree_annees,
                "departement_suivi": c.departement_suivi_id,
                "epci": {"siren": c.epci_id, "nom": c.epci.nom},
                "communes": communes[c.pk],
                "signataires": signataires[c.pk] if signee else [],
                "parent": c.parent_id,
                "version": c.version,
            }
        )
    return _entete(total, filtres, au=au.isoformat(), resultats=resultats)


def page_communes(qs: QuerySet, filtres) -> dict:
    """`PageCommunes` : code, nom, département, EPCI et population de chaque commune de la page."""
    total, lignes = _page(
        qs, filtres, ("code", "nom", "departement_id", "epci_id", "epci__nom", "population")
    )
    resultats = [
        {
            "code": code,
            "nom": nom,
            "departement": dep,
            "epci": None if siren is None else {"siren": siren, "nom": nom_epci},
            "population": population,
        }
        for code, nom, dep, siren, nom_epci, population in lignes
    ]
    return _entete(total, filtres, resultats=resultats)


def _organisation(organisation) -> dict:
    return {
        "id": organisation.pk,
        "nom": organisation.nom,
        "siren": organisation.siren,
        "nature": organisation.nature,
    }


def _decimal(valeur: Decimal | None) -> str | None:
    return None if valeur is None else str(valeur)


def page_fiches(qs: QuerySet, filtres, au: date, public: bool) -> dict:
    """`PageFiches` : les fiches de la page (préchargées par `actions.selectors.fiches`) à la date `au`, leur état,
    leurs lignes d'alors et leurs avertissements, par les mêmes règles (`actions.regles`) que le schéma ; le plan de
    chaque fiche est calculé une fois (le schéma le calculait pour ses lignes, son total et ses avertissements)."""
    debut = filtres.offset
    total = qs.count()
    resultats = []
    for fiche in qs[debut : debut + filtres.limit]:
        plan = regles.plan(fiche, au, publique=public)
        lignes = [
            {
                "id": ligne.pk,
                "financeur": _organisation(ligne.financeur),
                "dispositif": ligne.dispositif.code if ligne.dispositif_id else None,
                "montant": str(ligne.montant),
                "statut": str(statut),
                "date_demande": _jour(ligne.date_demande),
                "date_decision": _jour(ligne.date_decision),
                "reference_decision": ligne.reference_decision,
                "date_versement": _jour(ligne.date_versement),
                "version": ligne.version,
            }
            for ligne, statut in plan.lignes
        ]
        etat = fiche.etat_au(au)
        resultats.append(
            {
                "id": fiche.pk,
                "convention": fiche.convention_id,
                "avenant": fiche.avenant_id,
                "numero": fiche.numero,
                "intitule": fiche.intitule,
                "description": fiche.description,
                "axe": {"code": fiche.axe.code, "nom": fiche.axe.nom},
                "communes": [
                    {"insee": c.code, "nom": c.nom, "departement": c.departement_id}
                    for c in fiche.communes.all()
                ],
                "maitre_ouvrage": _organisation(fiche.maitre_ouvrage),
                "partenaires": [_organisation(o) for o in fiche.partenaires.all()],
                "date_debut": _jour(fiche.date_debut),
                "precision_debut": fiche.precision_debut,
                "date_fin": _jour(fiche.date_fin),
                "precision_fin": fiche.precision_fin,
                "date_fin_reelle": _jour(fiche.date_fin_reelle),
                "etat": None if etat is None else str(etat),
                "en_retard": fiche.en_retard_au(au),
                "cout_ht": _decimal(fiche.cout_ht),
                "cout_ttc": _decimal(fiche.cout_ttc),
                "derogation_participation": fiche.derogation_participation,
                "source": fiche.source,
                "lignes": lignes,
                "total_financement": str(plan.total),
                "avertissements": [] if public else regles.avertissements(fiche, au, plan),
                "version": fiche.version,
            }
        )
    return _entete(total, filtres, au=au.isoformat(), resultats=resultats)


def page_epci(qs: QuerySet, filtres) -> dict:
    """`PageEpci` : SIREN, nom, nature, population et départements couverts (par code) de chaque EPCI de la page, en
    trois requêtes."""
    total, lignes = _page(qs, filtres, ("siren", "nom", "nature", "population"))
    departements = defaultdict(list)
    for siren, code in (
        Epci.departements.through.objects.filter(epci_id__in=[ligne[0] for ligne in lignes])
        .order_by("departement_id")
        .values_list("epci_id", "departement_id")
    ):
        departements[siren].append(code)
    resultats = [
        {
            "siren": siren,
            "nom": nom,
            "nature": nature,
            "population": population,
            "departements": departements[siren],
        }
        for siren, nom, nature, population in lignes
    ]
    return _entete(total, filtres, resultats=resultats)
