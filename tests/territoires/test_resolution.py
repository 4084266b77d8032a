"""La résolution de noms, difficulté par difficulté, puis sur tout le jeu étiqueté de la mesure."""

import csv
from pathlib import Path

import pytest

from pvd.territoires import services
from pvd.territoires.resolution import AMBIGU, INTROUVABLE, RESOLU, resoudre

pytestmark = pytest.mark.django_db

CAS = Path(__file__).resolve().parents[2] / "bench" / "cas_resolution.csv"


@pytest.mark.parametrize(
    ("texte", "contexte", "code", "raison"),
    [
        ("Puy-l'Évêque", {}, "46231", "exact"),
        ("Puy l'évêque", {"departement": "46"}, "46231", "normalise"),
        ("puy l eveque", {}, "46231", "normalise"),
        ("PUY L’EVEQUE", {}, "46231", "normalise"),
        ("St-Céré", {"departement": "46"}, "46251", "normalise"),
        ("Vigan (Le)", {"departement": "30"}, "30350", "normalise"),
        ("Limogne", {"departement": "46"}, "46173", "nom_partiel"),
        ("Castelnau-Montratier-Sainte-Alauzie", {"departement": "46"}, "46063", "ancien_nom"),
        ("Capdenac-Gare", {"departement": "46"}, "12052", "exact"),
        ("Capdenac-Gare", {"epci": "200067361"}, "12052", "exact"),
        ("Cauvaldor", {}, "200066371", "alias"),
        ("CC du Quercy Blanc", {}, "200039519", "exact"),
        ("communauté de communes de la Vallée du Lot et du vignoble", {}, "244600433", "normalise"),
        ("Com. com. Grand Figeac", {"departement": "46"}, "200067361", "normalise"),
        ("46231", {}, "46231", "code_insee"),
        ("200 066 371", {}, "200066371", "siren"),
        ("46 - Gramat", {}, "46128", "exact"),
        ("Gramat (46)", {}, "46128", "exact"),
        ("Gourdonn", {"departement": "46"}, "46127", "approchant"),
        ("Lyon", {}, "69123", "exact"),
    ],
)
def test_resolu(texte, contexte, code, raison):
    r = resoudre(texte, **contexte)
    assert r.statut == RESOLU, r
    assert r.code == code
    assert r.resultat.raison == raison


def test_ancien_code_mene_a_la_commune_nouvelle():
    # 46248 (Sainte-Alauzie) a été absorbé par Castelnau-Montratier (46063).
    r = resoudre("46248")
    assert (r.statut, r.code, r.resultat.raison) == (RESOLU, "46063", "ancien_code")


def test_homonymes_sans_contexte_ambigus_jamais_devines():
    r = resoudre("Saint-Martin", type="commune")
    assert r.statut == AMBIGU
    assert len(r.candidats) > 3
    assert all(c.nom == "Saint-Martin" for c in r.candidats)
    assert resoudre("Saint-Martin", type="commune", departement="32").code == "32389"


def test_ancien_nom_d_une_autre_commune_rend_ambigu():
    # « Le Vigan » est une commune du Gard, et le nom de 2021 du Vigan-en-Quercy (Lot).
    r = resoudre("Le Vigan")
    assert r.statut == AMBIGU
    assert {c.code for c in r.candidats} == {"30350", "46334"}


def test_nom_partiel_sans_contexte_est_a_confirmer():
    r = resoudre("Limogne")
    assert r.statut == AMBIGU
    assert [c.code for c in r.candidats] == ["46173"]


def test_nom_hors_du_contexte_donne_n_est_pas_retenu():
    r = resoudre("Souillac", departement="12")
    assert r.statut == AMBIGU
    assert "46309" in {c.code for c in r.candidats}


def test_faute_sans_contexte_n_est_jamais_retenue():
    r = resoudre("Gourdonn", type="commune")
    assert r.statut == INTROUVABLE
    # Quatre communes s'appellent Gourdon ; la plus peuplée (Lot) vient en tête.
    assert {c.code for c in r.candidats[:4]} == {"46127", "06068", "07098", "71222"}
    assert r.candidats[0].code == "46127"


def test_introuvable_avec_les_plus_proches():
    r = resoudre("Xyzzyville", departement="46")
    assert r.statut == INTROUVABLE
    assert r.message


def test_codes_inconnus():
    assert resoudre("99999").statut == INTROUVABLE
    assert resoudre("999999999").statut == INTROUVABLE
    assert resoudre("").statut == INTROUVABLE


def test_un_alias_ajoute_est_reconnu_aussitot():
    assert resoudre("Pays de Gramat", type="epci").statut != RESOLU
    services.alias_create(texte="Pays de Gramat", type="epci", code="200066371")
    r = resoudre("Pays de Gramat", type="epci")
    assert (r.statut, r.code, r.resultat.raison) == (RESOLU, "200066371", "alias")
    services.alias_delete(texte="Pays de Gramat", type="epci")
    assert resoudre("Pays de Gramat", type="epci").statut != RESOLU


def test_jeu_etiquete_de_la_mesure():
    """Au moins 99 % de bonnes réponses avec contexte, et aucune réponse sûre mais fausse."""
    with CAS.open(encoding="utf-8") as fichier:
        cas = list(csv.DictReader(fichier))
    assert len(cas) >= 400
    faux_surs, justes_contexte, avec_contexte = [], 0, 0
    for c in cas:
        r = resoudre(c["texte"], type=c["type"] or None, departement=c["departement"], epci=c["epci"])
        attendu = c["attendu"]
        juste = r.statut != RESOLU if attendu == "AMBIGU" else (r.statut == RESOLU and r.code == attendu)
        if r.statut == RESOLU and r.code != attendu:
            faux_surs.append((c["texte"], attendu, r.code))
        if c["departement"] or c["epci"]:
            avec_contexte += 1
            justes_contexte += juste
    assert faux_surs == []
    assert justes_contexte / avec_contexte >= 0.99
