"""Le plan d'action : fiches, états datés, lignes de financement et les règles montrées comme avertissements."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pvd.actions import regles, selectors, services
from pvd.actions.models import Axe, Etat, FicheAction, StatutLigne
from pvd.programmes.models import Convention, Evenement
from pvd.territoires.models import Commune

TRACE = services.Trace(canal=Evenement.Canal.CLI)
pytestmark = pytest.mark.django_db
JANVIER_2023 = timezone.make_aware(datetime(2023, 1, 20, 9))


def relire(fiche):
    return selectors.fiche_detail(fiche.pk)


def test_une_fiche_se_cree_au_debut_de_sa_periode_et_se_journalise(fiche):
    assert fiche.date_debut == date(2023, 3, 1)
    assert fiche.date_fin == date(2024, 1, 1)  # « en 2024 » : gardée au 1er janvier, précision année
    assert fiche.fin_prevue_au_plus_tard == date(2024, 12, 31)
    assert fiche.fin_prevue_texte == "en 2024"
    assert fiche.debut_texte == "mars 2023"
    evenement = Evenement.objects.get(objet_type="ficheaction", objet_id=str(fiche.pk))
    assert evenement.objet_libelle == "fiche action"
    assert "1.1" in evenement.resume


def test_numero_unique_et_communes_de_la_convention(fiche, cadre):
    autre = Commune.objects.get(code="46042")  # Cahors : pas dans la convention de Cauvaldor
    with pytest.raises(ValidationError) as erreur:
        services.fiche_create(
            convention=cadre,
            numero="1.1",
            intitule="Doublon",
            axe=fiche.axe,
            maitre_ouvrage=fiche.maitre_ouvrage,
            communes=[autre],
            trace=TRACE,
        )
    assert "déjà une fiche numéro 1.1" in str(erreur.value.message_dict["numero"])
    assert "Cahors (46042)" in str(erreur.value.message_dict["communes"])


def test_une_fiche_va_au_plan_d_une_convention_cadre(lot, fiche):
    adhesion = Convention.objects.filter(type="adhesion").first()
    with pytest.raises(ValidationError) as erreur:
        services.fiche_create(
            convention=adhesion,
            numero="9",
            intitule="X",
            axe=fiche.axe,
            maitre_ouvrage=fiche.maitre_ouvrage,
            trace=TRACE,
        )
    assert "convention-cadre" in str(erreur.value)


def test_etats_avancent_dates_et_se_lisent_au(fiche):
    services.fiche_etat_changer(fiche=fiche, version=1, etat="programmee", jour=date(2023, 4, 1), trace=TRACE)
    services.fiche_etat_changer(fiche=fiche, version=2, etat="en_cours", jour=date(2023, 9, 1), trace=TRACE)
    with pytest.raises(ValidationError) as erreur:
        services.fiche_etat_changer(fiche=fiche, version=3, etat="programmee", trace=TRACE)
    assert "ne peut pas passer" in str(erreur.value)
    with pytest.raises(ValidationError) as erreur:
        services.fiche_etat_changer(fiche=fiche, version=3, etat="bloquee", trace=TRACE)
    assert "motif" in erreur.value.message_dict
    with pytest.raises(ValidationError) as erreur:
        services.fiche_etat_changer(fiche=fiche, version=3, etat="realisee", trace=TRACE)
    assert "date_fin_reelle" in erreur.value.message_dict
    services.fiche_etat_changer(
        fiche=fiche,
        version=3,
        etat="realisee",
        date_fin_reelle=date(2024, 5, 2),
        jour=date(2024, 5, 2),
        trace=TRACE,
    )
    lue = relire(fiche)
    assert lue.etat_au(date(2023, 1, 1)) is None  # pas encore créée
    assert lue.etat_au(date(2023, 2, 1)) == Etat.A_L_ETUDE
    assert lue.etat_au(date(2023, 5, 1)) == Etat.PROGRAMMEE
    assert lue.etat_au(date(2024, 1, 1)) == Etat.EN_COURS
    assert lue.etat_au(date(2024, 6, 1)) == Etat.REALISEE
    with pytest.raises(ValidationError):
        services.fiche_etat_changer(fiche=fiche, version=4, etat="en_pause", motif="x", trace=TRACE)


def test_conflit_de_version(fiche):
    services.fiche_update(fiche=fiche, version=1, champs={"intitule": "Place du foirail"}, trace=TRACE)
    perimee = FicheAction.objects.get(pk=fiche.pk)
    perimee.version = 1
    with pytest.raises(services.ConflitDeVersion) as erreur:
        services.fiche_update(fiche=perimee, version=1, champs={"intitule": "Autre"}, trace=TRACE)
    assert erreur.value.actuelle.intitule == "Place du foirail"
    assert FicheAction.objects.get(pk=fiche.pk).intitule == "Place du foirail"


def test_plan_de_financement_qui_s_additionne_et_ses_avertissements(fiche, etat, detr):
    moa = fiche.maitre_ouvrage
    services.ligne_create(
        fiche=fiche,
        financeur=etat,
        dispositif=detr,
        montant="90000",
        statut="accordee",
        date_demande=date(2023, 1, 20),
        date_decision=date(2023, 6, 1),
        cree_le=JANVIER_2023,
        trace=TRACE,
    )
    services.ligne_create(fiche=fiche, financeur=moa, montant="20000", cree_le=JANVIER_2023, trace=TRACE)
    jour = date(2023, 7, 1)
    lue = relire(fiche)
    p = regles.plan(lue, jour)
    assert p.total == Decimal("110000") and p.reste == Decimal("10000")
    assert [(part.financeur.nom, part.montant, part.maitre_ouvrage) for part in p.parts] == [
        ("État", Decimal("90000"), False),
        ("Gramat", Decimal("20000"), True),
    ]
    assert sum(part.part for part in p.parts) == Decimal("110000") / Decimal("120000")
    avertissements = regles.avertissements(lue, jour)
    assert len(avertissements) == 1 and "18,2 %" in avertissements[0] and "L1111-10" in avertissements[0]
    services.fiche_update(
        fiche=fiche,
        version=fiche.version,
        champs={"derogation_participation": "Arrêté préfectoral du 2 mai 2023 (patrimoine protégé)"},
        trace=TRACE,
    )
    services.ligne_create(fiche=fiche, financeur=moa, montant="30000", cree_le=JANVIER_2023, trace=TRACE)
    avertissements = regles.avertissements(relire(fiche), jour)
    assert avertissements == [
        "Le plan de financement (140\u202f000 €) dépasse le coût de l'action (120\u202f000 €) de 20\u202f000 € : "
        "réduisez une ligne ou corrigez le coût."
    ]


def test_le_statut_d_une_ligne_se_lit_a_ses_dates(fiche, etat, detr):
    ligne = services.ligne_create(fiche=fiche, financeur=etat, dispositif=detr, montant="1000", trace=TRACE)
    with pytest.raises(ValidationError) as erreur:
        services.ligne_update(ligne=ligne, version=1, champs={"statut": "accordee"}, trace=TRACE)
    assert "date_decision" in erreur.value.message_dict
    services.ligne_update(
        ligne=ligne,
        version=1,
        champs={"statut": "sollicitee", "date_demande": date(2023, 2, 1)},
        trace=TRACE,
    )
    services.ligne_update(
        ligne=ligne,
        version=2,
        champs={
            "statut": "accordee",
            "date_decision": date(2023, 5, 10),
            "reference_decision": "DETR-2023-12",
        },
        trace=TRACE,
    )
    ligne.refresh_from_db()
    ligne.cree_le = JANVIER_2023
    assert ligne.statut_au(date(2023, 1, 25)) == StatutLigne.ENVISAGEE
    assert ligne.statut_au(date(2023, 3, 1)) == StatutLigne.SOLLICITEE
    assert ligne.statut_au(date(2023, 6, 1)) == StatutLigne.ACCORDEE
    with pytest.raises(ValidationError):
        services.ligne_update(ligne=ligne, version=3, champs={"statut": "envisagee"}, trace=TRACE)


def test_une_action_passee_sa_fin_est_en_retard(fiche):
    lue = relire(fiche)
    assert not lue.en_retard_au(date(2024, 12, 31))  # « en 2024 » court jusqu'au 31 décembre
    assert lue.en_retard_au(date(2025, 1, 1))
    assert [f.pk for f in selectors.fiches_en_retard(FicheAction.objects.all(), date(2025, 1, 1))] == [
        fiche.pk
    ]
    assert not selectors.fiches_en_retard(FicheAction.objects.all(), date(2024, 12, 31))
    assert "en retard" in regles.avertissements(lue, date(2025, 1, 1))[0]
    services.fiche_etat_changer(fiche=fiche, version=1, etat="abandonnee", motif="Projet repris", trace=TRACE)
    assert not relire(fiche).en_retard_au(timezone.localdate() + timedelta(days=1))


def test_montant_illisible_dit_quoi_faire(fiche, etat):
    with pytest.raises(ValidationError) as erreur:
        services.ligne_create(fiche=fiche, financeur=etat, montant="beaucoup", trace=TRACE)
    assert "n'est pas un montant en euros" in str(erreur.value)


def test_plan_d_action_par_axe_en_requetes_fixes(
    fiche, cadre, etat, detr, django_assert_max_num_queries, gramat
):
    for numero in ("2.1", "1.2", "10.1"):
        f = services.fiche_create(
            convention=cadre,
            numero=numero,
            intitule=f"Action {numero}",
            axe=Axe.objects.get(code="habitat", programme=None),
            maitre_ouvrage=fiche.maitre_ouvrage,
            communes=[gramat],
            cout_ht="1000",
            trace=TRACE,
        )
        services.ligne_create(fiche=f, financeur=etat, dispositif=detr, montant="500", trace=TRACE)
    with django_assert_max_num_queries(6):
        plan = selectors.plan_d_action(cadre, timezone.localdate())
    assert plan.nombre == 4
    assert [ligne.fiche.numero for g in plan.groupes for ligne in g.lignes] == ["1.2", "2.1", "10.1", "1.1"]
    assert plan.par_financeur[0][0] == etat and plan.par_financeur[0][1] == Decimal("1500")
    publique = selectors.plan_d_action(cadre, timezone.localdate(), publique=True)
    assert publique.par_financeur == []  # les lignes envisagées ne sont jamais publiques


def test_une_action_en_retard_est_un_jalon_et_sort_dans_pvd_check(fiche, client, redacteur):
    from pvd.programmes.controles import controler

    apres = date(2025, 1, 1)
    rapport = controler(fiche.convention.programme, apres, departement="46")
    assert any(
        "action 1.1 « Requalification de la place du foirail », fin prévue en 2024" in r
        for r in rapport.retards
    )
    avant = controler(fiche.convention.programme, date(2024, 6, 1), departement="46")
    assert not any("action 1.1" in r for r in avant.retards)
    client.force_login(redacteur)
    page = client.get("/programmes/pvd/departements/46/?au=2025-01-01").content.decode()
    assert f'href="/fiches-actions/{fiche.pk}/"' in page and "en retard" in page


def test_les_retards_se_lisent_en_une_requete(fiche, django_assert_num_queries):
    """La liste « à faire » d'un département lit ses retards dans la base, quel que soit leur nombre, avec l'état de
    chacun à la date."""
    with django_assert_num_queries(1):
        retards = selectors.fiches_en_retard(FicheAction.objects.all(), date(2025, 1, 1))
        assert [(f.pk, f.etat_au_jour) for f in retards] == [(fiche.pk, "a_l_etude")]
