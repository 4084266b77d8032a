"""Le Lot tel que le raconte le communiqué du 27 juillet 2021, puis tel qu'il est aujourd'hui."""

from datetime import date

import pytest
from django.core.management import call_command

from pvd.programmes.jalons import Etat, avancements
from pvd.programmes.models import Convention, Evenement, Laureat
from pvd.programmes.selectors import compter_conventions, conventions, laureats, tableau_de_bord

pytestmark = pytest.mark.django_db
JOUR = date(2021, 7, 27)

GROUPES_DU_COMMUNIQUE = {
    "200066371": {"46309", "46185", "46330", "46038", "46029", "46251", "46128"},  # Cauvaldor
    "200039519": {"46201", "46063"},  # Quercy Blanc
    "200067361": {"46143", "46045", "12052"},  # Grand-Figeac, avec Capdenac-Gare (Aveyron)
    "244600433": {"46231", "46225", "46182"},  # Vallée du Lot et du Vignoble
    "244600482": {"46127"},  # Quercy-Bouriane
}
EN_ELABORATION = {"200035327": {"46066", "46297"}, "244600532": {"46148", "46173"}}


def communes_par_epci(liste):
    return {c.epci_id: {lien.commune_id for lien in c.communes.all()} for c in liste}


def test_le_lot_au_27_juillet_2021(lot):
    assert laureats(lot, JOUR, departement="46").count() == 20
    adhesions = list(conventions(lot, JOUR, departement="46", type=Convention.Type.ADHESION))
    assert len(adhesions) == 7
    signees = [c for c in adhesions if c.statut_au(JOUR) == Convention.Statut.SIGNEE]
    assert all(c.date_signature == JOUR for c in signees)
    assert communes_par_epci(signees) == GROUPES_DU_COMMUNIQUE
    en_cours = [c for c in adhesions if c.statut_au(JOUR) == Convention.Statut.EN_ELABORATION]
    assert communes_par_epci(en_cours) == EN_ELABORATION
    # Aucune convention-cadre n'existait encore.
    assert compter_conventions(lot, JOUR, "46")[("cadre_ort", "signee")] == 0


def test_signataire_de_l_etat(lot):
    convention = Convention.objects.filter(epci_id="200066371", type="adhesion").get()
    etat = convention.signataires.get(partie="etat")
    assert (etat.nom, etat.qualite) == ("Michel Prosic", "préfet du Lot")
    assert convention.lieu_signature.startswith("Cahors")
    # Aucun nom d'élu : donnée personnelle absente des sources.
    assert set(convention.signataires.exclude(partie="etat").values_list("nom", flat=True)) == {""}


def test_capdenac_gare_suivie_par_le_lot(lot):
    capdenac = Laureat.objects.select_related("commune").get(commune_id="12052")
    assert capdenac.commune.departement_id == "12"
    assert capdenac.departement_suivi_id == "46"


def test_ort_et_retards_aujourd_hui(lot):
    au = date(2026, 11, 25)
    par_commune = {a.laureat.commune_id: a for a in avancements(lot, list(laureats(lot, au, "46")), au)}
    cajarc = par_commune["46045"].jalon("cadre_ort")
    assert (cajarc.date, cajarc.etat) == (date(2022, 10, 18), Etat.FAIT)
    gramat = par_commune["46128"].jalon("cadre_ort")
    assert gramat.echeance == date(2023, 1, 27)
    assert (gramat.etat, gramat.retard_jours) == (Etat.FAIT_EN_RETARD, 13)
    capdenac = par_commune["12052"].jalon("cadre_ort")
    assert capdenac.etat == Etat.EN_RETARD
    assert capdenac.retard_jours == (au - date(2023, 1, 27)).days
    cazals = par_commune["46066"].jalon("adhesion")
    assert (cazals.date, cazals.etat, cazals.precision) == (date(2023, 12, 19), Etat.FAIT, "au plus tard")
    assert cazals.texte == "au plus tard le 19 décembre 2023"
    assert par_commune["46066"].jalon("chef_de_projet").etat == Etat.NON_RENSEIGNE
    assert sum(a.jalon("cadre_ort").date is not None for a in par_commune.values()) == 19


def test_tableau_de_bord_au_fil_du_temps(lot):
    total_2021, lignes = tableau_de_bord(lot, JOUR)
    assert (total_2021.laureats, total_2021.adhesions, total_2021.ort) == (20, 16, 0)
    assert [ligne.code for ligne in lignes] == ["76"]
    total_2024, _ = tableau_de_bord(lot, date(2024, 1, 1))
    assert (total_2024.adhesions, total_2024.ort, total_2024.en_retard) == (20, 19, 1)
    # Aucune ORT sans adhésion, à aucune date : les adhésions sont signées au plus tard le jour de la première ORT.
    for jour in (date(2023, 10, 17), date(2023, 12, 13), date(2023, 12, 19)):
        total, _ = tableau_de_bord(lot, jour)
        assert total.ort <= total.adhesions
    avant, _ = tableau_de_bord(lot, date(2021, 7, 26))
    assert avant.laureats == 0


def test_chargement_journalise_et_idempotent(lot):
    assert Evenement.objects.filter(canal="demo", objet_type="convention").count() >= 16
    from pvd.programmes.demo import charger_exemple_lot

    assert charger_exemple_lot(lot) == {"laureats": 0, "sources": 0, "conventions": 0}


def test_la_demo_passe_son_propre_controle(lot, capsys):
    """Les adhésions de Cazals-Salviac et de Lalbenque-Limogne, en élaboration le 27 juillet 2021, sont signées au
    plus tard le jour de la première ORT de leur EPCI : aucune ORT sans adhésion, `pvd check` sort avec 0."""
    call_command("controle", departement="46", au="2026-11-25")
    texte = capsys.readouterr().out
    assert "Incohérences à corriger : 0" in texte
    assert "Capdenac-Gare (12052) : convention-cadre valant ORT signée, en retard" in texte
    limogne = Convention.objects.get(epci_id="244600532", type="adhesion")
    assert (limogne.date_signature, limogne.precision_signature) == (date(2023, 10, 17), "au_plus_tard")
    assert limogne.date_signature_texte == "au plus tard le 17 octobre 2023"
    assert limogne.statut_au(JOUR) == Convention.Statut.EN_ELABORATION


def test_pvd_check_signale_une_ort_sans_adhesion(lot, capsys):
    from pvd.programmes.models import Signataire

    limogne = Convention.objects.get(epci_id="244600532", type="adhesion")
    Signataire.objects.filter(convention=limogne).delete()
    Convention.objects.filter(pk=limogne.pk).update(statut="en_elaboration", date_signature=None)
    with pytest.raises(SystemExit) as sortie:
        call_command("controle", departement="46", au="2026-11-25")
    assert sortie.value.code == 1
    texte = capsys.readouterr().out
    assert "Incohérences à corriger : 2" in texte
    for nom in ("Lalbenque", "Limogne-en-Quercy"):
        assert f"{nom} (" in texte


def test_pvd_check_sans_incoherence_sort_avec_zero(pvd, capsys):
    call_command("controle", departement="46")
    assert "Incohérences à corriger : 0" in capsys.readouterr().out


def test_pvd_check_date_invalide(pvd):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("controle", au="27/07/2021")


@pytest.mark.parametrize("code", ["99", "0", "2C"])
def test_pvd_check_departement_inconnu(pvd, code, capfd):
    """« 99 » n'est pas un département : dit en français, code 2 (1 veut dire « incohérences trouvées »)."""
    from pvd.cli import main

    with pytest.raises(SystemExit) as sortie:
        main(["check", "--departement", code])
    assert sortie.value.code == 2
    sorties = capfd.readouterr()
    assert sorties.err.startswith(f"Erreur : Département inconnu : « {code} »")
    assert "Contrôle de" not in sorties.out


def test_pvd_check_par_la_vraie_commande(lot, tmp_path):
    """`pvd check` est le contrôle du registre ; `pvd check --deploy` reste le contrôle système de Django."""
    import subprocess
    import sys

    from pvd import cli

    assert cli.OPTIONS_CONTROLE_SYSTEME
    resultat = subprocess.run(
        [sys.executable, "-m", "pvd.cli", "check", "--help"], capture_output=True, text=True, check=True
    )
    assert "--departement" in resultat.stdout
    resultat = subprocess.run(
        [sys.executable, "-m", "pvd.cli", "check", "--list-tags"],
        capture_output=True,
        text=True,
        check=True,
        env={
            **__import__("os").environ,
            "PVD_ENV": "test",
            "PVD_SECRET_KEY": "x" * 50,
            "PVD_DATA_DIR": str(tmp_path),
        },
    )
    assert "security" in resultat.stdout
