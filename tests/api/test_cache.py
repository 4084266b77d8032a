"""Les lectures de l'API en cache : la seconde lecture ne refait que la requête du jeton, et rien de ce qui est gardé
ne survit à une écriture (journal, administration, référentiel) ni ne passe d'un périmètre à un autre."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from pvd.accounts.services import jeton_creer, utilisateur_creer
from pvd.programmes import services
from pvd.programmes.models import Convention, Evenement
from pvd.territoires.models import EtatReferentiel

pytestmark = pytest.mark.django_db
TRACE = services.Trace(canal=Evenement.Canal.CLI)
ADRESSE = "/api/v1/conventions?departement=46&limit=50"


def _ids(reponse) -> set[int]:
    assert reponse.status_code == 200, reponse.content
    return {c["id"] for c in reponse.json()["resultats"]}


def _lieux(reponse) -> list[str]:
    assert reponse.status_code == 200, reponse.content
    return sorted(c["lieu_signature"] for c in reponse.json()["resultats"])


def test_la_seconde_lecture_vient_du_cache(client, lot, django_assert_num_queries):
    premiere = client.get(ADRESSE)
    with django_assert_num_queries(1):  # le jeton du registre, rien d'autre
        seconde = client.get(ADRESSE)
    assert seconde.status_code == 200 and seconde.content == premiere.content
    assert seconde["Content-Type"] == premiere["Content-Type"] == "application/json; charset=utf-8"
    assert seconde["X-Frame-Options"] == "DENY"  # les en-têtes de sécurité s'ajoutent après le cache
    assert client.get("/api/v1/communes/46102").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/api/v1/communes/46102").status_code == 200  # un détail aussi


def test_une_ecriture_journalisee_rafraichit_la_lecture_suivante(client, lot):
    avant = _lieux(client.get(ADRESSE))
    convention = Convention.objects.filter(publie=True, departement_suivi_id="46").first()
    services.convention_update(
        convention=convention,
        version=convention.version,
        champs={"lieu_signature": "Titre changé"},
        trace=TRACE,
    )
    apres = _lieux(client.get(ADRESSE))
    assert "Titre changé" in apres and apres != avant


def test_une_ecriture_de_l_administration_ou_du_referentiel_change_la_cle(client, lot):
    convention = Convention.objects.filter(publie=True, departement_suivi_id="46").first()
    client.get(ADRESSE)
    Convention.objects.filter(pk=convention.pk).update(lieu_signature="Changé sans journal")
    assert "Changé sans journal" not in _lieux(client.get(ADRESSE))  # gardée : rien n'a été journalisé
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Convention),
        object_id=str(convention.pk),
        object_repr=str(convention.pk),
        action_flag=CHANGE,
        user=utilisateur_creer(email="admin@anct.test", role="national"),
    )
    assert "Changé sans journal" in _lieux(client.get(ADRESSE))  # l'administration a écrit
    Convention.objects.filter(pk=convention.pk).update(lieu_signature="Référentiel changé")
    assert "Référentiel changé" not in _lieux(client.get(ADRESSE))
    EtatReferentiel.signaler_changement()
    assert "Référentiel changé" in _lieux(client.get(ADRESSE))


def test_un_perimetre_ne_lit_jamais_la_reponse_gardee_pour_un_autre(client, lot, redacteur):
    cachee = Convention.objects.filter(departement_suivi_id="46").first()
    services.publication_definir(objets=[cachee], publie=False, trace=TRACE)
    prefecture = Client(headers={"Authorization": f"Bearer {jeton_creer(utilisateur=redacteur)}"})
    assert cachee.pk in _ids(prefecture.get(ADRESSE))
    assert cachee.pk not in _ids(client.get(ADRESSE))  # le public, après la préfecture
    assert prefecture.get(f"/api/v1/conventions/{cachee.pk}").status_code == 200
    assert client.get(f"/api/v1/conventions/{cachee.pk}").status_code == 404


def test_un_refus_n_est_pas_garde(client, lot, django_assert_max_num_queries):
    client.get("/api/v1/conventions/999999")
    with django_assert_max_num_queries(10) as requetes:
        assert client.get("/api/v1/conventions/999999").status_code == 404
    assert len(requetes) > 1  # relu, pas servi du cache


def test_sans_cache_si_le_reglage_l_interdit(client, lot, settings, django_assert_max_num_queries):
    settings.PVD_CACHE_API = False
    client.get(ADRESSE)
    with django_assert_max_num_queries(20) as requetes:
        client.get(ADRESSE)
    assert len(requetes) > 1
