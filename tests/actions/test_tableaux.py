"""Les tableaux de bord des plans d'action : chiffres exacts d'un petit plan fait à la main (dont un état « au » une
date passée), égalité avec les règles des modèles, nombre de requêtes fixe, périmètre et public."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pvd.accounts.services import utilisateur_creer
from pvd.actions import regles, services
from pvd.actions.models import Axe, Dispositif, Etat, FicheAction, Organisation, StatutLigne
from pvd.actions.tableaux import calculer_tableau_plans, echeances_des_demandes, tableau_plans
from pvd.programmes.models import Evenement, Programme
from pvd.programmes.services import publication_definir

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)


def _le(jour: date):
    return timezone.make_aware(datetime(jour.year, jour.month, jour.day, 10))


@pytest.fixture
def plan(cadre, fiche, gramat, etat, detr):
    """Trois fiches sur la convention-cadre de Cauvaldor :
    - 1.1 (formes urbaines, 120 000 € TTC, fin prévue en 2024) : engagée le 1er mars 2023, réalisée le 10 janvier
      2025 ; DETR 30 000 € (demandée le 1er février 2023, accordée le 1er mai 2023, versée le 1er mars 2024),
      autofinancement de Gramat 40 000 € (accordé le 1er février 2023), Banque des Territoires 10 000 € envisagés ;
    - 2.1 (habitat, 50 000 € HT, fin prévue en juin 2023), jamais avancée : DSIL 20 000 € sollicités le 1er avril
      2023, Fonds vert 15 000 € refusés le 15 juin 2023 ;
    - 2.2 (habitat, 10 000 € HT, sans fin prévue), créée programmée le 1er mai 2024, sans ligne."""
    services.fiche_etat_changer(
        fiche=fiche, version=fiche.version, etat="engagee", jour=date(2023, 3, 1), trace=TRACE
    )
    fiche.refresh_from_db()
    services.fiche_etat_changer(
        fiche=fiche,
        version=fiche.version,
        etat="realisee",
        jour=date(2025, 1, 10),
        date_fin_reelle=date(2025, 1, 10),
        trace=TRACE,
    )
    cree = _le(date(2023, 1, 20))
    gramat_mo = fiche.maitre_ouvrage
    services.ligne_create(
        fiche=fiche,
        financeur=etat,
        dispositif=detr,
        montant="30000",
        statut="versee",
        date_demande=date(2023, 2, 1),
        date_decision=date(2023, 5, 1),
        date_versement=date(2024, 3, 1),
        cree_le=cree,
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=gramat_mo,
        dispositif=Dispositif.objects.get(code="autofinancement"),
        montant="40000",
        statut="accordee",
        date_decision=date(2023, 2, 1),
        cree_le=cree,
        trace=TRACE,
    )
    services.ligne_create(
        fiche=fiche,
        financeur=Organisation.objects.get(nom="Banque des Territoires"),
        dispositif=Dispositif.objects.get(code="bdt-ingenierie"),
        montant="10000",
        cree_le=cree,
        trace=TRACE,
    )
    habitat = Axe.objects.get(code="habitat", programme=None)
    deux = services.fiche_create(
        convention=cadre,
        numero="2.1",
        intitule="Îlot de la rue Basse",
        axe=habitat,
        maitre_ouvrage=gramat_mo,
        communes=[gramat],
        cout_ht="50000",
        date_fin=date(2023, 6, 1),
        precision_fin="mois",
        cree_le=_le(date(2023, 1, 15)),
        trace=TRACE,
    )
    services.ligne_create(
        fiche=deux,
        financeur=etat,
        dispositif=Dispositif.objects.get(code="dsil"),
        montant="20000",
        statut="sollicitee",
        date_demande=date(2023, 4, 1),
        cree_le=cree,
        trace=TRACE,
    )
    services.ligne_create(
        fiche=deux,
        financeur=etat,
        dispositif=Dispositif.objects.get(code="fonds-vert"),
        montant="15000",
        statut="refusee",
        date_demande=date(2023, 2, 1),
        date_decision=date(2023, 6, 15),
        cree_le=cree,
        trace=TRACE,
    )
    services.fiche_create(
        convention=cadre,
        numero="2.2",
        intitule="Étude pré-opérationnelle d'OPAH-RU",
        axe=habitat,
        maitre_ouvrage=gramat_mo,
        communes=[gramat],
        cout_ht="10000",
        etat="programmee",
        date_etat=date(2024, 5, 1),
        cree_le=_le(date(2024, 5, 1)),
        trace=TRACE,
    )
    return cadre


@pytest.fixture
def national(db):
    return utilisateur_creer(email="anct@test.gouv.fr", role="national")


def _axe(tableau, code):
    return next(ligne for ligne in tableau.par_axe if ligne.axe.code == code)


def test_chiffres_d_un_plan_au_1er_janvier_2024(plan, national):
    t = tableau_plans(plan.programme, date(2024, 1, 1), utilisateur=national)
    assert (t.compte.nombre, t.compte.realisees, t.compte.en_retard) == (2, 0, 1)
    assert t.compte.cout == Decimal("170000")
    assert [(code, n) for code, _, n in t.par_etat] == [("a_l_etude", 1), ("engagee", 1)]
    assert (t.total.envisagee, t.total.sollicitee, t.total.accordee, t.total.versee, t.total.refusee) == (
        Decimal("10000"),
        Decimal("20000"),
        Decimal("70000"),
        Decimal("0"),
        Decimal("15000"),
    )
    assert t.total.demande == Decimal("105000")
    # L'État a engagé la DETR (30 000 €) ; l'autofinancement de Gramat n'est pas un partenaire.
    assert (t.etat_engage, t.partenaires_engage) == (Decimal("30000"), Decimal("0"))
    assert t.autofinancement.accordee == Decimal("40000")
    assert {f.libelle: f.montants.engage for f in t.par_financeur} == {
        "État": Decimal("30000"),
        "Banque des Territoires": Decimal("0"),
    }
    assert {d.libelle: d.montants.demande for d in t.par_dispositif}["Autofinancement"] == Decimal("40000")
    assert {a.libelle: a.montants.demande for a in t.par_annee} == {"2023": Decimal("105000"), "Non datée": 0}
    urbain, habitat = _axe(t, "formes-urbaines-patrimoine"), _axe(t, "habitat")
    assert (urbain.compte.nombre, urbain.montants.engage, urbain.montants.envisagee) == (1, 70000, 10000)
    assert (habitat.compte.nombre, habitat.compte.en_retard, habitat.montants.sollicitee) == (1, 1, 20000)
    assert [(r.code, r.compte.nombre) for r in t.par_territoire] == [("76", 2)]
    assert t.retards == [] and t.en_attente == []  # les listes « à faire » : celles d'un département
    t = tableau_plans(plan.programme, date(2024, 1, 1), departement="46", utilisateur=national)
    assert [f.numero for f in t.retards] == ["2.1"]
    assert [ligne.montant for ligne in t.en_attente] == [Decimal("20000")]


def test_chiffres_d_un_plan_au_1er_juin_2025(plan, national):
    t = tableau_plans(plan.programme, date(2025, 6, 1), utilisateur=national)
    assert (t.compte.nombre, t.compte.realisees, t.compte.en_retard) == (3, 1, 1)
    assert t.compte.part_realisees == Decimal(1) / 3
    assert [(code, n) for code, _, n in t.par_etat] == [("a_l_etude", 1), ("programmee", 1), ("realisee", 1)]
    assert (t.total.accordee, t.total.versee) == (Decimal("40000"), Decimal("30000"))
    assert {a.libelle: a.montants.versee for a in t.par_annee}["2023"] == Decimal("30000")


def test_avant_le_plan_rien(plan, national):
    t = tableau_plans(plan.programme, date(2022, 12, 31), utilisateur=national)
    assert t.compte.nombre == 0 and t.total.demande == 0 and t.par_axe == []


@pytest.mark.parametrize("jour", [date(2023, 1, 15), date(2023, 5, 1), date(2024, 1, 1), date(2025, 6, 1)])
def test_memes_chiffres_que_les_regles_des_modeles(plan, national, jour):
    """Les expressions SQL disent ce que disent `etat_au`, `en_retard_au` et `regles.plan`, fiche par fiche."""
    t = tableau_plans(plan.programme, jour, utilisateur=national)
    fiches = [f for f in FicheAction.objects.filter(convention=plan) if f.etat_au(jour) is not None]
    assert t.compte.nombre == len(fiches)
    assert t.compte.en_retard == sum(f.en_retard_au(jour) for f in fiches)
    assert {c: n for c, _, n in t.par_etat} == {
        e: sum(f.etat_au(jour) == e for f in fiches)
        for e in Etat.values
        if any(f.etat_au(jour) == e for f in fiches)
    }
    for statut in StatutLigne.values:
        attendu = sum(
            (ligne.montant for f in fiches for ligne, s in regles.plan(f, jour).lignes if s == statut),
            Decimal(0),
        )
        assert getattr(t.total, statut) == attendu, statut


def test_le_public_ne_voit_ni_les_lignes_envisagees_ni_les_conventions_non_publiees(plan):
    publication_definir(objets=[plan], publie=True, trace=TRACE)
    t = tableau_plans(plan.programme, date(2024, 1, 1))
    assert t.publique and t.compte.nombre == 2 and t.total.envisagee == 0
    assert t.total.demande == Decimal("105000")
    publication_definir(objets=[plan], publie=False, trace=TRACE)
    assert tableau_plans(plan.programme, date(2024, 1, 1)).compte.nombre == 0


def test_perimetre(plan):
    aveyron = utilisateur_creer(email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"])
    lot = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    assert tableau_plans(plan.programme, date(2024, 1, 1), utilisateur=aveyron).compte.nombre == 0
    t = tableau_plans(plan.programme, date(2024, 1, 1), utilisateur=lot)
    # Le périmètre d'une préfecture joint les communes des conventions : une fiche n'y compte qu'une fois.
    assert t.compte.nombre == 2 and t.total.demande == Decimal("105000")
    t = tableau_plans(plan.programme, date(2024, 1, 1), departement="46", utilisateur=lot)
    assert t.compte.nombre == 2 and [r.code for r in t.par_territoire] == [plan.epci_id]
    assert tableau_plans(plan.programme, date(2024, 1, 1), region="84", utilisateur=lot).compte.nombre == 0


def _nombre_de_requetes(programme, utilisateur) -> int:
    with CaptureQueriesContext(connection) as requetes:
        calculer_tableau_plans(programme, date(2025, 6, 1), utilisateur=utilisateur)
    return len(requetes)


@pytest.mark.parametrize("role", ["national", "prefecture"])
def test_nombre_de_requetes_fixe(plan, gramat, etat, detr, role):
    utilisateur = utilisateur_creer(email=f"{role}@test.gouv.fr", role=role, departements=["46"])
    tableau_plans(plan.programme, date(2025, 6, 1), utilisateur=utilisateur)  # le périmètre, lu une fois
    avant = _nombre_de_requetes(plan.programme, utilisateur)
    axes = list(Axe.objects.all())
    for i in range(12):
        f = services.fiche_create(
            convention=plan,
            numero=f"9.{i}",
            intitule=f"Action {i}",
            axe=axes[i % len(axes)],
            maitre_ouvrage=Organisation.objects.get(commune=gramat),
            communes=[lien.commune for lien in plan.communes.all()],
            cout_ht="1000",
            date_fin=date(2024, 1, 1),
            cree_le=_le(date(2023, 1, 1)),
            trace=TRACE,
        )
        services.ligne_create(
            fiche=f, financeur=etat, dispositif=detr, montant="100", statut="sollicitee", trace=TRACE
        )
    assert _nombre_de_requetes(plan.programme, utilisateur) == avant
    assert tableau_plans(plan.programme, date(2025, 6, 1), utilisateur=utilisateur).compte.nombre == 15


def test_en_cache_jusqu_a_la_prochaine_ecriture(plan, national, etat, detr, django_assert_max_num_queries):
    """Relu, le tableau vient du cache (deux requêtes : la clé) ; une écriture par un service le recalcule ; un autre
    périmètre ou une autre date a le sien."""
    jour = date(2025, 6, 1)
    premier = tableau_plans(plan.programme, jour, utilisateur=national)
    with django_assert_max_num_queries(2):
        assert tableau_plans(plan.programme, jour, utilisateur=national).compte == premier.compte
    fiche = plan.fiches_actions.order_by("pk").first()
    services.ligne_create(
        fiche=fiche,
        financeur=etat,
        dispositif=detr,
        montant="7",
        statut="sollicitee",
        cree_le=_le(date(2024, 1, 1)),
        trace=TRACE,
    )
    apres = tableau_plans(plan.programme, jour, utilisateur=national)
    assert apres.total.demande == premier.total.demande + Decimal("7")
    lot = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    aveyron = utilisateur_creer(email="agent@aveyron.gouv.fr", role="prefecture", departements=["12"])
    assert tableau_plans(plan.programme, jour, utilisateur=lot).compte.nombre == apres.compte.nombre
    assert tableau_plans(plan.programme, jour, utilisateur=aveyron).compte.nombre == 0
    assert tableau_plans(plan.programme, date(2000, 1, 1), utilisateur=national).compte.nombre == 0


def test_les_demandes_en_attente_rejoignent_la_liste_a_faire(plan, national):
    programme = Programme.objects.get(slug="pvd")
    echeances = echeances_des_demandes(programme, date(2024, 1, 1), "46", national)
    assert len(echeances) == 1 and not echeances[0].en_retard
    assert "20\u202f000 €" in echeances[0].texte and "en attente de décision" in echeances[0].texte
    # Le 1er mars 2023 : la DETR et le Fonds vert (demandés le 1er février) attendaient ; la DSIL pas encore demandée.
    echeances = echeances_des_demandes(programme, date(2023, 3, 1), "46", national)
    assert [e.echeance for e in echeances] == [date(2023, 2, 1)] * 2
    assert echeances_des_demandes(programme, date(2023, 1, 19), "46", national) == []


def _export_de_reference(programme, jour):
    """Les deux jeux de données ouvertes calculés par les règles des modèles, fiche par fiche (l'oracle de l'export
    en SQL)."""
    from pvd.actions.selectors import fiches as fiches_prechargees

    qs = FicheAction.objects.filter(convention__programme=programme).publiques()
    liste = [f for f in fiches_prechargees(qs).order_by("convention_id", "numero", "pk") if f.etat_au(jour)]
    fiches = [
        (
            f.pk,
            f.etat_au(jour),
            f.en_retard_au(jour),
            regles.plan(f, jour, publique=True).total,
            [c.code for c in f.communes.all()],
        )
        for f in liste
    ]
    lignes = [
        (ligne.pk, ligne.montant, statut, ligne.financeur_id == f.maitre_ouvrage_id)
        for f in liste
        for ligne, statut in regles.plan(f, jour, publique=True).lignes
    ]
    return fiches, lignes


@pytest.mark.parametrize("jour", [date(2023, 1, 15), date(2023, 3, 1), date(2024, 1, 1), date(2025, 6, 1)])
def test_l_export_en_sql_dit_ce_que_disent_les_modeles(plan, jour):
    from pvd.publication.plans import jeu_fiches_actions, jeu_lignes_financement

    publication_definir(objets=[plan], publie=True, trace=TRACE)
    fiches, lignes = _export_de_reference(plan.programme, jour)
    jeu = jeu_fiches_actions(plan.programme, jour)
    noms = [c.nom for c in jeu.colonnes]
    lus = [dict(zip(noms, rang, strict=True)) for rang in jeu.lignes]
    assert [
        (r["id_fiche"], r["etat"], r["en_retard"], r["financement_total"], r["communes_insee"].split(" ; "))
        for r in lus
    ] == fiches
    jeu = jeu_lignes_financement(plan.programme, jour)
    noms = [c.nom for c in jeu.colonnes]
    lus = [dict(zip(noms, rang, strict=True)) for rang in jeu.lignes]
    assert [(r["id_ligne"], r["montant"], r["statut"], r["autofinancement"]) for r in lus] == lignes
