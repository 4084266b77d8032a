"""ProConnect contre un faux fournisseur OpenID Connect (aucun réseau) : seul un jeton en règle ouvre une session."""

import base64
import hashlib
import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from pvd.accounts.models import EvenementSecurite

pytestmark = pytest.mark.django_db
CLE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {
    **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(CLE.public_key())),
    "kid": "cle-1",
    "alg": "RS256",
    "use": "sig",
}


def jeton(nonce: str, **modifs) -> str:
    maintenant = int(time.time())
    charge = {
        "iss": "https://proconnect.test",
        "aud": settings.OIDC_RP_CLIENT_ID,
        "sub": "agent-1",
        "email": "Agent@Lot.gouv.fr",
        "nonce": nonce,
        "iat": maintenant,
        "exp": maintenant + 300,
        "acr": "eidas2",
    }
    alg = modifs.pop("alg", "RS256")
    charge.update(modifs)
    if alg == "none":
        return jwt.encode(charge, None, algorithm="none")
    return jwt.encode(charge, CLE, algorithm="RS256", headers={"kid": "cle-1"})


def commencer(client) -> dict:
    reponse = client.get("/proconnect/authenticate/")
    assert reponse.status_code == 302
    parametres = {k: v[0] for k, v in parse_qs(urlparse(reponse["Location"]).query).items()}
    return parametres


def terminer(client, etat: str, id_token: str):
    # Un refus peut survenir avant d'appeler le fournisseur (état forgé) : tous les appels ne sont pas exigés.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as faux:
        faux.add(
            responses.POST,
            settings.OIDC_OP_TOKEN_ENDPOINT,
            json={"access_token": "acces", "id_token": id_token, "token_type": "Bearer"},
        )
        faux.add(responses.GET, settings.OIDC_OP_JWKS_ENDPOINT, json={"keys": [JWK]})
        faux.add(
            responses.GET,
            settings.OIDC_OP_USER_ENDPOINT,
            json={"sub": "agent-1", "email": "Agent@Lot.gouv.fr"},
        )
        return client.get("/proconnect/callback/", {"code": "code-du-fournisseur", "state": etat})


def test_demande_d_autorisation(client):
    p = commencer(client)
    assert len(p["state"]) >= 32 and len(p["nonce"]) >= 32
    assert p["code_challenge_method"] == "S256" and len(p["code_challenge"]) >= 43
    assert p["acr_values"] == "eidas2"
    assert p["client_id"] == "pvd-test"


def test_parcours_complet_ouvre_une_session(client):
    p = commencer(client)
    reponse = terminer(client, p["state"], jeton(p["nonce"]))
    assert reponse.status_code == 302
    assert client.session.get("_auth_user_id")
    assert EvenementSecurite.objects.filter(type="connexion", identifiant="agent@lot.gouv.fr").exists()


@pytest.mark.parametrize(
    "cas",
    ["etat_forge", "mauvais_nonce", "alg_none", "expire", "sans_double_authentification", "autre_cle"],
)
def test_jeton_refuse_aucune_session(client, cas):
    p = commencer(client)
    etat, nonce = p["state"], p["nonce"]
    if cas == "etat_forge":
        etat = "x" * 48
        id_token = jeton(nonce)
    elif cas == "mauvais_nonce":
        id_token = jeton("un-autre-nonce-que-celui-de-la-session-0123456789")
    elif cas == "alg_none":
        id_token = jeton(nonce, alg="none")
    elif cas == "expire":
        id_token = jeton(nonce, exp=int(time.time()) - 60, iat=int(time.time()) - 600)
    elif cas == "sans_double_authentification":
        id_token = jeton(nonce, acr="eidas1")
    else:
        autre = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        id_token = jwt.encode(
            {"nonce": nonce, "email": "a@b.fr", "exp": int(time.time()) + 60},
            autre,
            algorithm="RS256",
            headers={"kid": "cle-1"},
        )
    client.raise_request_exception = (
        False  # comme en production : une requête suspecte devient une erreur 400
    )
    reponse = terminer(client, etat, id_token)
    assert reponse.status_code in (302, 400)
    if reponse.status_code == 302:
        assert reponse["Location"].startswith("/connexion/")  # retour à la page de connexion, sans session
    assert not client.session.get("_auth_user_id"), cas


def test_pkce_verificateur(client):
    p = commencer(client)
    with responses.RequestsMock() as faux:
        faux.add(
            responses.POST,
            settings.OIDC_OP_TOKEN_ENDPOINT,
            json={"access_token": "a", "id_token": jeton(p["nonce"]), "token_type": "Bearer"},
        )
        faux.add(responses.GET, settings.OIDC_OP_JWKS_ENDPOINT, json={"keys": [JWK]})
        faux.add(
            responses.GET,
            settings.OIDC_OP_USER_ENDPOINT,
            json={"sub": "agent-1", "email": "agent@lot.gouv.fr"},
        )
        client.get("/proconnect/callback/", {"code": "c", "state": p["state"]})
        corps = parse_qs(faux.calls[0].request.body)
    verificateur = corps["code_verifier"][0]
    defi = base64.urlsafe_b64encode(hashlib.sha256(verificateur.encode()).digest()).rstrip(b"=").decode()
    assert defi == p["code_challenge"]
