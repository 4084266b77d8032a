"""L'employeur d'un chef de projet est dans le périmètre du compte qui enregistre le poste (décidé par
`accounts.perimetres.peut_employer`) : une collectivité ne nomme pas une autre commune, ni un autre EPCI.

Il n'y a pas de point d'API pour les postes : le formulaire est la seule écriture (et l'import n'en crée pas)."""

import pytest
from django.urls import reverse

from pvd.accounts.perimetres import peut_employer
from pvd.accounts.services import utilisateur_creer
from pvd.programmes.models import PosteChefDeProjet
from pvd.territoires.models import Commune, Epci

pytestmark = pytest.mark.django_db
CAUVALDOR = "200066371"


@pytest.fixture
def cauvaldor_cdp(db):
    return utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=[CAUVALDOR])


def poster(client, lot, employeur: str):
    """Un poste pour Gramat et Souillac (lauréates de Cauvaldor), avec cet employeur."""
    return client.post(
        reverse("poste-nouveau", args=["pvd", "46"]),
        {
            "employeur": employeur,
            "laureats": [lot.laureats.get(commune_id=c).pk for c in ("46128", "46309")],
            "date_prise_poste": "2022-02-01",
        },
    )


def test_une_collectivite_ne_nomme_pas_un_employeur_d_ailleurs(client, lot, cauvaldor_cdp):
    client.force_login(cauvaldor_cdp)
    ailleurs = lot.laureats.exclude(commune__epci_id=CAUVALDOR).select_related("commune").first().commune
    for employeur in (f"commune:{ailleurs.code}", f"epci:{ailleurs.epci_id}"):
        reponse = poster(client, lot, employeur)
        assert reponse.status_code == 200, employeur
        erreurs = reponse.context["formulaire"].errors["employeur"]
        assert "hors du périmètre de votre compte" in erreurs[0]
    assert PosteChefDeProjet.objects.count() == 0
    assert poster(client, lot, f"epci:{CAUVALDOR}").status_code == 302
    assert poster(client, lot, "commune:46128").status_code == 302  # Gramat, commune de Cauvaldor
    assert PosteChefDeProjet.objects.count() == 2


def test_peut_employer_selon_le_role(lot):
    gramat, capdenac, rodez = (Commune.objects.get(code=c) for c in ("46128", "12052", "12202"))
    cauvaldor, grand_figeac = Epci.objects.get(siren=CAUVALDOR), Epci.objects.get(siren="200067361")
    lot46 = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    gramat_seule = utilisateur_creer(email="cdp@gramat.test", role="collectivite", communes=["46128"])
    partenaire = utilisateur_creer(email="p@test.fr", role="partenaire")
    national = utilisateur_creer(email="anct@test.gouv.fr", role="national")
    # La préfecture du Lot : ses communes, Capdenac-Gare (de Grand-Figeac, qui s'étend sur le Lot), pas Rodez.
    assert [peut_employer(lot46, e) for e in (gramat, capdenac, rodez, grand_figeac)] == [
        True,
        True,
        False,
        True,
    ]
    assert not peut_employer(lot46, rodez.epci)
    # Une commune : elle-même et son EPCI, rien d'autre.
    assert [peut_employer(gramat_seule, e) for e in (gramat, cauvaldor, capdenac, grand_figeac)] == [
        True,
        True,
        False,
        False,
    ]
    assert not peut_employer(partenaire, gramat) and peut_employer(national, rodez)
