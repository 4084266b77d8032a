"""Le suivi d'une fiche action depuis sa page : étapes (ajouter, marquer faite ou à faire), indicateurs (définition,
puis valeurs datées : résultat, cible, source), coûts annuels (année, nature, prévu, réalisé). Réservé à qui écrit
le plan ; messages en français ; rien d'écrit sur un refus."""

import html as html_
from datetime import date, timedelta

import pytest

from pvd.accounts.services import utilisateur_creer
from pvd.actions import services
from pvd.actions.models import Axe, CoutAnnuel, EtapeAction, Indicateur, ValeurIndicateur
from pvd.programmes.models import Evenement
from pvd.territoires.models import Commune

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
CAUVALDOR = "200066371"


@pytest.fixture
def fiche(cadre):
    gramat = Commune.objects.get(code="46128")
    return services.fiche_create(
        convention=cadre,
        numero="2.1",
        intitule="Halle de Gramat",
        axe=Axe.objects.get(code="developpement-economique-commercial"),
        maitre_ouvrage=gramat,
        communes=[gramat],
        trace=TRACE,
    )


@pytest.fixture
def cdp(client, db):
    client.force_login(utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=[CAUVALDOR]))
    return client


def suivre(client, reponse):
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    return html_.unescape(client.get(reponse["Location"]).content.decode())


def test_etapes_ajouter_et_marquer(cdp, fiche):
    page = cdp.get(f"/fiches-actions/{fiche.pk}/").content.decode()
    assert "Ajouter une étape" in page
    html = suivre(
        cdp,
        cdp.post(
            f"/fiches-actions/{fiche.pk}/etapes/nouvelle/",
            {"intitule": "Choix de la maîtrise d'œuvre", "date_prevue": "2025-03-01"},
        ),
    )
    assert "Étape ajoutée." in html and "Choix de la maîtrise d" in html and "Marquer comme faite" in html
    etape = EtapeAction.objects.get(fiche=fiche)
    html = suivre(cdp, cdp.post(f"/etapes/{etape.pk}/marquer/", {"faite": "1", "jour": "2025-04-02"}))
    assert "marquée faite" in html and "Faite le 2 avril 2025" in html
    # Renvoyer le même formulaire ne bascule pas : l'étape reste faite, à sa date.
    suivre(cdp, cdp.post(f"/etapes/{etape.pk}/marquer/", {"faite": "1"}))
    etape.refresh_from_db()
    assert etape.faite and etape.date_faite == date(2025, 4, 2)
    demain = (date.today() + timedelta(days=2)).isoformat()
    suivre(cdp, cdp.post(f"/etapes/{etape.pk}/marquer/", {"faite": "0"}))
    html = suivre(cdp, cdp.post(f"/etapes/{etape.pk}/marquer/", {"faite": "1", "jour": demain}))
    assert "n'a pas été modifiée" in html and "aujourd'hui ou avant" in html
    etape.refresh_from_db()
    assert not etape.faite and etape.date_faite is None
    vide = html_.unescape(
        cdp.post(f"/fiches-actions/{fiche.pk}/etapes/nouvelle/", {"intitule": ""}).content.decode()
    )
    assert "Ce champ est obligatoire" in vide and EtapeAction.objects.count() == 1
    assert cdp.get(f"/etapes/{etape.pk}/marquer/").status_code == 405


def test_indicateur_et_valeurs_datees(cdp, fiche):
    html = suivre(
        cdp,
        cdp.post(
            f"/fiches-actions/{fiche.pk}/indicateurs/nouveau/",
            {"nom": "Cellules commerciales occupées", "unite": "cellules", "periodicite": "annuelle"},
        ),
    )
    assert "Indicateur ajouté." in html and "Cellules commerciales occupées (cellules), annuelle" in html
    indicateur = Indicateur.objects.get(fiche=fiche)
    for type_, jour, valeur in (("cible", "2026-12-31", "12"), ("resultat", "2024-12-31", "7,5")):
        html = suivre(
            cdp,
            cdp.post(
                f"/indicateurs/{indicateur.pk}/valeurs/nouvelle/",
                {"type": type_, "jour": jour, "valeur": valeur, "source": "Observatoire du commerce"},
            ),
        )
        assert "Valeur enregistrée." in html
    assert "Valeurs de l'indicateur « Cellules commerciales occupées »" in html and "7,5" in html
    assert sorted(ValeurIndicateur.objects.values_list("type", "valeur")) == [
        ("cible", 12),
        ("resultat", 7.5),
    ]
    refus = cdp.post(
        f"/indicateurs/{indicateur.pk}/valeurs/nouvelle/",
        {"type": "cible", "jour": "2026-12-31", "valeur": "douze"},
    )
    assert refus.status_code == 200 and "nombre" in refus.content.decode()
    assert ValeurIndicateur.objects.count() == 2


def test_cout_annuel_defini_puis_remplace(cdp, fiche):
    url = f"/fiches-actions/{fiche.pk}/couts/"
    html = suivre(cdp, cdp.post(url, {"annee": "2025", "nature": "investissement", "prevu": "120 000"}))
    assert "Coût d'investissement 2025 enregistré." in html and "120\u202f000 €" in html
    html = suivre(
        cdp,
        cdp.post(
            url, {"annee": "2025", "nature": "investissement", "prevu": "120000", "realise": "98 500,50"}
        ),
    )
    assert "Coût d'investissement 2025 remplacé" in html and "98\u202f500,50 €" in html
    refus = cdp.post(url, {"annee": "1850", "nature": "investissement", "prevu": "abc"})
    corps = html_.unescape(refus.content.decode())
    assert refus.status_code == 200 and "n'est pas un montant" in corps and "1990" in corps
    assert CoutAnnuel.objects.get(fiche=fiche).realise == 98500.5


@pytest.mark.parametrize("role", ["prefecture", "partenaire", "autre_collectivite"])
def test_refus_hors_du_plan_sans_rien_ecrire(client, fiche, role):
    profil = {
        "prefecture": {"role": "prefecture", "departements": ["46"]},
        "partenaire": {"role": "partenaire"},
        "autre_collectivite": {"role": "collectivite", "epcis": ["200067361"]},  # Grand-Figeac
    }[role]
    client.force_login(utilisateur_creer(email=f"{role}@test.fr", **profil))
    etape = services.etape_ajouter(fiche=fiche, intitule="Étude", trace=TRACE)
    indicateur = services.indicateur_ajouter(fiche=fiche, nom="Surface", trace=TRACE)
    assert "Ajouter une étape" not in client.get(f"/fiches-actions/{fiche.pk}/").content.decode()
    for url, donnees in (
        (f"/fiches-actions/{fiche.pk}/etapes/nouvelle/", {"intitule": "X"}),
        (f"/etapes/{etape.pk}/marquer/", {"faite": "1"}),
        (f"/fiches-actions/{fiche.pk}/indicateurs/nouveau/", {"nom": "X"}),
        (
            f"/indicateurs/{indicateur.pk}/valeurs/nouvelle/",
            {"type": "cible", "jour": "2026-01-01", "valeur": "1"},
        ),
        (f"/fiches-actions/{fiche.pk}/couts/", {"annee": "2025", "nature": "investissement", "prevu": "1"}),
    ):
        assert client.post(url, donnees).status_code == 403, url
    assert EtapeAction.objects.filter(faite=True).count() == 0
    assert (EtapeAction.objects.count(), Indicateur.objects.count(), ValeurIndicateur.objects.count()) == (
        1,
        1,
        0,
    )
    assert CoutAnnuel.objects.count() == 0
