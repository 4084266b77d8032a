"""Les états et statuts « au » une date, lus dans la base (`avec_etat_au`, `avec_statut_au`), disent la même chose
que les méthodes des objets (`etat_au`, `statut_au`) pour chaque combinaison de dates et chaque jour."""

import itertools
from datetime import date, datetime

from django.utils import timezone

from pvd.actions.models import ChangementEtat, FicheAction, LigneFinancement

JOURS = [
    date(2023, 1, 1),
    date(2023, 2, 1),
    date(2023, 3, 15),
    date(2023, 6, 1),
    date(2023, 9, 1),
    date(2024, 1, 1),
]


def test_statut_des_lignes_au_en_sql_comme_en_python(fiche, etat):
    combinaisons = itertools.product(
        ["envisagee", "sollicitee", "accordee", "versee", "refusee"],
        [None, date(2023, 2, 1)],  # demande
        [None, date(2023, 3, 15)],  # décision
        [None, date(2023, 6, 1)],  # versement
    )
    creee = timezone.make_aware(datetime(2023, 1, 20, 9))
    for statut, demande, decision, versement in combinaisons:
        if statut in ("accordee", "refusee", "versee") and decision is None:
            continue
        if statut == "versee" and versement is None:
            continue
        LigneFinancement.objects.create(
            fiche=fiche,
            financeur=etat,
            montant=1,
            statut=statut,
            date_demande=demande,
            date_decision=decision,
            date_versement=versement,
            cree_le=creee,
        )
    lignes = list(LigneFinancement.objects.filter(fiche=fiche))
    assert len(lignes) > 20
    for jour in JOURS:
        en_sql = dict(
            LigneFinancement.objects.existantes_au(jour)
            .avec_statut_au(jour)
            .values_list("pk", "statut_au_jour")
        )
        en_python = {ligne.pk: ligne.statut_au(jour) for ligne in lignes if ligne.statut_au(jour) is not None}
        assert en_sql == en_python, jour


def test_etat_des_fiches_au_en_sql_comme_en_python(fiche):
    # Deux changements le même jour : le dernier enregistré compte.
    for etat, jour in (
        ("programmee", date(2023, 2, 1)),
        ("engagee", date(2023, 3, 15)),
        ("en_pause", date(2023, 3, 15)),
        ("en_cours", date(2023, 9, 1)),
    ):
        ChangementEtat.objects.create(fiche=fiche, etat=etat, date=jour)
    fiche = FicheAction.objects.prefetch_related("changements_etat").get(pk=fiche.pk)
    for jour in JOURS:
        en_sql = (
            FicheAction.objects.filter(pk=fiche.pk).avec_etat_au(jour).values_list("etat_au_jour", flat=True)
        )
        assert list(en_sql) == [fiche.etat_au(jour) or "a_l_etude"], jour
    assert fiche.etat_au(date(2023, 3, 15)) == "en_pause"
