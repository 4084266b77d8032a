"""La liste « à faire » d'un département : ce qui est en retard, et ce qui tombe dans les six mois."""

from datetime import date
from types import SimpleNamespace

from pvd.programmes.jalons import Avancement, Etat, Jalon, a_faire

AU = date(2024, 1, 1)


def _ligne(nom: str, *jalons: Jalon) -> Avancement:
    return Avancement(laureat=SimpleNamespace(commune=SimpleNamespace(cle_tri=nom)), jalons=list(jalons))


def test_en_retard_puis_echeances_des_six_mois_par_date_puis_commune():
    retard = Jalon("adhesion", echeance=date(2023, 6, 1), etat=Etat.EN_RETARD)
    bientot = Jalon("cadre_ort", echeance=date(2024, 6, 29), etat=Etat.A_VENIR)  # 180 jours
    trop_loin = Jalon("cadre_ort", echeance=date(2024, 6, 30), etat=Etat.A_VENIR)  # 181 jours
    fait = Jalon("adhesion", echeance=date(2023, 1, 1), etat=Etat.FAIT)
    en_cours = Jalon("cadre_ort", echeance=date(2024, 3, 1), etat=Etat.EN_COURS)
    b, a = _ligne("b", retard, bientot), _ligne("a", fait, trop_loin)
    c = _ligne("c", en_cours)
    liste = a_faire([b, a, c], AU)
    assert [(paire[0].commune.cle_tri, paire[1]) for paire in liste] == [
        ("b", retard),
        ("c", en_cours),
        ("b", bientot),
    ]
