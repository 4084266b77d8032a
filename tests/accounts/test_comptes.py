"""Comptes, jetons d'API, journal de sécurité, en-têtes et sessions."""

import json
from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from pvd.accounts.models import EvenementSecurite, JetonApi, Profil
from pvd.accounts.perimetres import perimetre_de
from pvd.accounts.services import jeton_creer, utilisateur_creer
from pvd.programmes.models import Convention, ConventionCommune, Evenement

pytestmark = pytest.mark.django_db


def test_pvd_users(capsys):
    call_command("users", "create", email="Agent@Lot.gouv.fr", role="prefecture", departement=["46"])
    call_command("users", "create", email="cdp@cauvaldor.test", role="collectivite", epci=["200066371"])
    call_command("users", "list")
    sortie = capsys.readouterr().out
    assert "agent@lot.gouv.fr\tagent de préfecture\t46\tactif" in sortie
    assert "cdp@cauvaldor.test\tchef de projet / collectivité\t200066371\tactif" in sortie
    with pytest.raises(CommandError, match="au moins un département"):
        call_command("users", "create", email="x@y.fr", role="prefecture")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("users", "create", email="agent@lot.gouv.fr", role="prefecture", departement=["46"])
    call_command("users", "token", email="agent@lot.gouv.fr")
    jeton = capsys.readouterr().out.split("\n")[1]
    assert jeton.startswith("pvd_") and len(jeton) > 40
    assert JetonApi.objects.get().empreinte == JetonApi.empreinte_de(jeton)
    assert jeton not in json.dumps(list(JetonApi.objects.values()), default=str)  # gardé haché
    call_command("users", "disable", email="agent@lot.gouv.fr")
    assert "1 jeton(s) révoqué(s)" in capsys.readouterr().out


def test_jeton_d_api(client, lot):
    agent = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    jeton = jeton_creer(utilisateur=agent)
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    entetes = {"Authorization": f"Bearer {jeton}", "If-Match": f'"{convention.version}"'}
    # Sans session ni jeton CSRF : le jeton suffit, et il est limité au périmètre du compte.
    csrf = client.__class__(enforce_csrf_checks=True)
    reponse = csrf.patch(
        f"/api/v1/conventions/{convention.pk}",
        {"lieu_signature": "Cazals"},
        content_type="application/json",
        headers=entetes,
    )
    assert reponse.status_code == 200, reponse.content
    evenement = Evenement.objects.filter(objet_id=str(convention.pk), canal="api").get()
    assert evenement.auteur == agent
    reponse = csrf.get(
        "/api/v1/laureats", {"departement": "12"}, headers={"Authorization": f"Bearer {jeton}"}
    )
    assert reponse.status_code == 200
    assert csrf.get("/api/v1/laureats", headers={"Authorization": "Bearer pvd_faux"}).status_code == 401
    assert EvenementSecurite.objects.filter(type="jeton_invalide").exists()


def test_session_sans_csrf_refusee(lot):
    from django.test import Client

    agent = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    reponse = client.patch(
        f"/api/v1/conventions/{convention.pk}",
        {"lieu_signature": "X"},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert reponse.status_code in (401, 403)
    assert Convention.objects.get(pk=convention.pk).lieu_signature == ""
    assert client.post("/deconnexion/").status_code == 403  # formulaire sans jeton CSRF


def test_retirer_un_role_prend_effet_a_la_requete_suivante(client, lot):
    agent = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    client.force_login(agent)
    assert client.get("/programmes/pvd/departements/46/").status_code == 200
    Profil.objects.filter(utilisateur=agent).update(role="partenaire")
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    assert client.post(f"/conventions/{convention.pk}/publication/", {"publie": "0"}).status_code == 403
    agent.is_active = False
    agent.save()
    assert client.get("/programmes/pvd/").status_code == 302  # compte désactivé : plus de session


def test_journal_des_connexions_et_des_refus(client, lot):
    utilisateur_creer(
        email="agent@lot.gouv.fr",
        role="prefecture",
        departements=["46"],
        mot_de_passe="un-mot-de-passe-solide-46",
    )
    client.post("/connexion/", {"username": "agent@lot.gouv.fr", "password": "faux"})
    client.post("/connexion/", {"username": "agent@lot.gouv.fr", "password": "un-mot-de-passe-solide-46"})
    aveyron = Convention.objects.create(
        programme=lot, type="adhesion", epci_id="200067361", departement_suivi_id="12"
    )
    # Figeac (Lot) y figure : l'agent du Lot la lit, et son écriture est un refus (403) ; une convention qu'il ne
    # lirait pas lui répondrait 404, comme si elle n'existait pas.
    ConventionCommune.objects.create(convention=aveyron, commune_id="46102", role="autre")
    client.post(f"/conventions/{aveyron.pk}/publication/", {"publie": "1"})
    client.post("/deconnexion/")
    types = list(EvenementSecurite.objects.order_by("fait_le", "id").values_list("type", flat=True))
    assert types == ["echec", "connexion", "refus", "deconnexion"]


def test_verrouillage_apres_cinq_echecs(client, db):
    utilisateur_creer(
        email="agent@lot.gouv.fr",
        role="prefecture",
        departements=["46"],
        mot_de_passe="un-mot-de-passe-solide-46",
    )
    for _ in range(5):
        client.post("/connexion/", {"username": "agent@lot.gouv.fr", "password": "faux"})
    reponse = client.post(
        "/connexion/", {"username": "agent@lot.gouv.fr", "password": "un-mot-de-passe-solide-46"}
    )
    assert reponse.status_code in (403, 429)
    assert "Connexion suspendue" in reponse.content.decode()
    assert "_auth_user_id" not in client.session
    journal = list(EvenementSecurite.objects.order_by("fait_le", "id").values_list("type", "identifiant"))
    # le cinquième échec verrouille (axes le dit pendant qu'il traite l'échec, avant que l'échec soit noté)
    assert sorted(journal[:6]) == [("echec", "agent@lot.gouv.fr")] * 5 + [
        ("verrouillage", "agent@lot.gouv.fr")
    ]
    assert ("connexion", "agent@lot.gouv.fr") not in journal
    verrou = EvenementSecurite.objects.filter(type="verrouillage").first()
    assert verrou.detail == "connexion suspendue 15 minutes" and verrou.adresse_ip == "127.0.0.1"


def test_mots_de_passe_solides(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        utilisateur_creer(email="a@b.fr", role="partenaire", mot_de_passe="motdepasse")


def test_en_tetes_de_securite(client, db):
    reponse = client.get("/")
    csp = reponse["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["Cross-Origin-Opener-Policy"] == "same-origin"
    assert (
        "<script>" not in reponse.content.decode()
    )  # aucun script en ligne : tout vient de fichiers servis ici


def test_sessions_courtes_et_cookies(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    # Renouvelée au plus une fois par minute (`SessionRenouveleeMiddleware`) plutôt qu'à chaque requête.
    assert "pvd.accounts.middleware.SessionRenouveleeMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_depot_trop_lourd_413(client, lot, redacteur):
    client.force_login(redacteur)
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    reponse = client.post(
        f"/conventions/{convention.pk}/signature/",
        {"version": 1},
        CONTENT_LENGTH=str(settings.PVD_TAILLE_MAX_REQUETE + 1),  # 25 000 001 octets
    )
    assert reponse.status_code == 413
    assert "pèse 25,1 Mo : la limite est de 25 Mo." in reponse.content.decode()
    assert Convention.objects.get(pk=convention.pk).statut == "en_elaboration"


def test_document_servi_seulement_au_perimetre(client, lot, pdf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pvd.programmes import services

    agent = utilisateur_creer(email="agent@lot.gouv.fr", role="prefecture", departements=["46"])
    convention = Convention.objects.get(epci_id="200035327", type="adhesion")
    services.convention_sign(
        convention=convention,
        version=1,
        date_signature=date(2021, 10, 1),
        signataires=[{"partie": "etat", "qualite": "préfet du Lot"}],
        document=SimpleUploadedFile("c.pdf", pdf),
        trace=services.Trace(canal="cli"),
    )
    url = f"/conventions/{convention.pk}/document/"
    assert client.get(url).status_code == 302  # public : connexion
    autre = utilisateur_creer(email="agent@vosges.gouv.fr", role="prefecture", departements=["88"])
    client.force_login(autre)
    assert client.get(url).status_code == 404
    client.force_login(agent)
    assert client.get(url)["Content-Type"] == "application/pdf"
    # Hors des fichiers statiques : aucune URL publique ne mène aux PDF déposés.
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert not getattr(settings, "MEDIA_URL", "").startswith("/static")


def test_perimetre_collectivite(db):
    cdp = utilisateur_creer(email="cdp@cauvaldor.test", role="collectivite", epcis=["200066371"])
    perimetre = perimetre_de(cdp)
    assert perimetre.departements == frozenset({"46"})
    assert perimetre.epcis == frozenset({"200066371"})
