"""Les données ouvertes du plan d'action : une ligne par fiche action, une ligne par ligne de financement.

Seulement les fiches des conventions publiées (par défaut), telles qu'elles étaient à la date ; jamais une ligne de
financement encore envisagée ; codes INSEE et SIREN, aucune donnée personnelle. Mêmes écritures (CSV, XLSX) et
Table Schema que les autres jeux (`exports.py`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Case, F, Q, QuerySet, Sum, Value, When

from pvd.actions.models import ETATS_CLOS, FicheAction, StatutLigne
from pvd.actions.tableaux import etat_au_sql, fiches_existantes_au, fin_passee_q, lignes_de, lignes_des_fiches
from pvd.programmes.models import Programme

from .exports import Colonne, Jeu

CENTIME = Decimal("0.01")


def _fiches(programme: Programme, au: date, departement: str, publics: bool) -> QuerySet[FicheAction]:
    qs = fiches_existantes_au(FicheAction.objects.filter(convention__programme=programme), au)
    if publics:
        qs = qs.publiques()
    if departement:
        qs = qs.filter(convention__departement_suivi_id=departement)
    return qs


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
    # Des tuples, pas des modèles : 40 000 fiches s'exportent en quelques secondes (les mêmes règles que
    # `FicheAction.etat_au` et `en_retard_au`, en SQL : `pvd.actions.tableaux`).
    fiches_qs = _fiches(programme, au, departement, publics)
    communes: dict[int, list[str]] = defaultdict(list)
    for fiche_id, code in (
        FicheAction.communes.through.objects.filter(ficheaction__in=fiches_qs.order_by().values("pk"))
        .order_by("ficheaction_id", "commune__cle_tri", "commune__code")
        .values_list("ficheaction_id", "commune_id")
    ):
        communes[fiche_id].append(code)
    # SQLite rend une somme sans ses centimes nuls (« 400 ») : au centime, comme les montants.
    totaux = {
        fiche_id: Decimal(total).quantize(CENTIME)
        for fiche_id, total in lignes_de(lignes_des_fiches(fiches_qs), au, publique=True)
        .exclude(statut_au=StatutLigne.REFUSEE)
        .order_by()
        .values_list("fiche_id")
        .annotate(total=Sum("montant"))
    }
    lus = (
        fiches_qs.annotate(
            etat_au=etat_au_sql(au),
            fin_passee=Case(
                When(fin_passee_q(au), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("convention_id", "numero", "pk")
        .values_list(
            "pk",
            "convention_id",
            "numero",
            "intitule",
            "axe__code",
            "axe__nom",
            "convention__epci_id",
            "convention__departement_suivi_id",
            "maitre_ouvrage__nom",
            "maitre_ouvrage__siren",
            "maitre_ouvrage__nature",
            "date_debut",
            "precision_debut",
            "date_fin",
            "precision_fin",
            "date_fin_reelle",
            "etat_au",
            "fin_passee",
            "cout_ht",
            "cout_ttc",
            "source",
        )
    )
    for (
        pk,
        convention_id,
        numero,
        intitule,
        axe_code,
        axe_nom,
        epci,
        departement_suivi,
        mo_nom,
        mo_siren,
        mo_nature,
        date_debut,
        precision_debut,
        date_fin,
        precision_fin,
        date_fin_reelle,
        etat,
        fin_passee,
        cout_ht,
        cout_ttc,
        source,
    ) in lus:
        jeu.lignes.append(
            [
                pk,
                programme.slug,
                convention_id,
                numero,
                intitule,
                axe_code,
                axe_nom,
                epci,
                departement_suivi,
                " ; ".join(communes.get(pk, [])),
                mo_nom,
                mo_siren,
                mo_nature,
                date_debut,
                precision_debut if date_debut else None,
                date_fin,
                precision_fin if date_fin else None,
                date_fin_reelle,
                etat,
                bool(fin_passee) and etat not in ETATS_CLOS,
                cout_ht,
                cout_ttc,
                totaux.get(pk, Decimal(0)),
                source,
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
    decidee = Q(statut_au__in=[StatutLigne.ACCORDEE, StatutLigne.VERSEE, StatutLigne.REFUSEE])
    lus = (
        lignes_de(lignes_des_fiches(_fiches(programme, au, departement, publics)), au, publique=True)
        .annotate(
            autofinancement=Case(
                When(financeur_id=F("fiche__maitre_ouvrage_id"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            decidee=Case(When(decidee, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .order_by("fiche__convention_id", "fiche__numero", "fiche_id", "pk")
        .values_list(
            "pk",
            "fiche_id",
            "fiche__convention_id",
            "fiche__numero",
            "financeur__nom",
            "financeur__siren",
            "financeur__nature",
            "autofinancement",
            "dispositif__code",
            "dispositif__nom",
            "montant",
            "statut_au",
            "date_demande",
            "decidee",
            "date_decision",
            "reference_decision",
            "date_versement",
        )
    )
    for (
        pk,
        fiche_id,
        convention_id,
        numero,
        financeur,
        siren,
        nature,
        autofinancement,
        dispositif_code,
        dispositif,
        montant,
        statut,
        date_demande,
        decidee_,
        date_decision,
        reference,
        date_versement,
    ) in lus:
        jeu.lignes.append(
            [
                pk,
                fiche_id,
                convention_id,
                numero,
                financeur,
                siren,
                nature,
                bool(autofinancement),
                dispositif_code,
                dispositif,
                montant,
                statut,
                date_demande,
                date_decision if decidee_ else None,
                reference if decidee_ else "",
                date_versement if statut == StatutLigne.VERSEE else None,
            ]
        )
    return jeu
