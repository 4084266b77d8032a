"""L'API contre son propre OpenAPI (`/api/v1/openapi.json`), par schemathesis, dans le processus (WSGI) : sans compte,
avec le jeton d'un agent de préfecture et avec celui d'un compte national.

Chaque opération reçoit des données conformes et non conformes (négatives), puis chacun de ses paramètres et champs
de texte reçoit un saut de ligne, un NUL et des guillemets ; les scénarios suivent les liens de l'OpenAPI (créer une
convention, la relire, la modifier avec son ETag). Aucune erreur serveur, aucune réponse hors du schéma : statut non
déclaré, corps ou en-têtes non conformes. Le nombre d'exemples est borné et tiré de façon déterministe, pour que la
suite reste courte et rejouable ; la même tourne sur SQLite et sur PostgreSQL.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.generation.stateful import run_state_machine_as_test

from pvd.accounts.services import jeton_creer, utilisateur_creer
from pvd.config.wsgi import application
from pvd.programmes.models import Convention

IDENTITES = ["anonyme", "prefecture", "national"]
REGLAGES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Une requête conforme au schéma peut être refusée pour ce que le schéma ne dit pas : 400 pour un caractère de
# contrôle dans un texte (règle de tout le site), 412 pour un ETag périmé, 422 pour une règle du registre (SIREN
# inconnu, commune hors de l'EPCI, signature datée du futur). Tout le reste d'une donnée conforme doit passer.
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400, 401, 403, 404, 412, 422]}}}
)
FORGEES = ["Cahors\nX-Injecte: 1", "46\x00", '";x']
CAZALS_SALVIAC = "200035327"


@pytest.fixture(autouse=True)
def connexion_gardee():
    """Comme le client de test de Django : l'application WSGI appelée ici ne ferme pas la connexion à la base à la
    fin de chaque requête (sur PostgreSQL, elle fermerait celle de la transaction du test)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=IDENTITES)
def identite(request) -> str:
    return request.param


@pytest.fixture
def entetes(lot):
    """Les en-têtes de chaque identité : aucun, le jeton d'un agent du Lot, celui d'un compte national."""
    prefecture = utilisateur_creer(email="agent46@lot.test", role="prefecture", departements=["46"])
    national = utilisateur_creer(email="equipe@anct.test", role="national")
    return {
        "anonyme": {},
        "prefecture": {"Authorization": f"Bearer {jeton_creer(utilisateur=prefecture)}"},
        "national": {"Authorization": f"Bearer {jeton_creer(utilisateur=national)}"},
    }


# Lu une fois, à la collecte (l'OpenAPI ne lit pas la base) ; les appels passent par l'application WSGI.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@schema.parametrize()
@REGLAGES
def test_chaque_operation(case, entetes):
    """Chaque exemple, envoyé par chacune des trois identités."""
    for identite in IDENTITES:
        case.call_and_validate(headers=entetes[identite])


# Un exemple conforme de chaque paramètre de chemin, et un corps conforme de chaque écriture : le point de départ
# où l'on glisse un octet forgé, un champ à la fois.
CHEMIN = {"code": "46066", "siren": CAZALS_SALVIAC, "slug": "pvd"}
CORPS = {
    ("POST", "/api/v1/conventions"): {
        "type": "avenant",
        "epci": CAZALS_SALVIAC,
        "communes": [{"insee": "46066", "role": "laureate"}],
        "intitule": "Avenant",
        "lieu_signature": "Cahors",
        "date_signature_prevue": "2027-01-01",
    },
    ("PATCH", "/api/v1/conventions/{pk}"): {"intitule": "Adhésion", "lieu_signature": "Cazals"},
    ("POST", "/api/v1/lignes-financement"): {
        "fiche": 1,
        "financeur": {"insee": "46066"},
        "montant": "1000.00",
        "dispositif": "detr",
        "reference_decision": "DETR-46",
    },
    ("PATCH", "/api/v1/lignes-financement/{pk}"): {"dispositif": "detr", "reference_decision": "DETR-46"},
    ("POST", "/api/v1/conventions/{pk}/signature"): {
        "date_signature": "2021-11-02",
        "signataires": '[{"partie": "etat", "qualite": "préfet du Lot"}]',
        "lieu_signature": "Cazals",
    },
}


def _variantes(operation, pk: int, forgee: str):
    """(chemin, requête, corps) : `forgee` dans un paramètre de chemin, de requête, ou un champ de texte du corps."""
    declares = operation.definition.raw.get("parameters", [])
    chemin = {p["name"]: CHEMIN.get(p["name"], pk) for p in declares if p["in"] == "path"}
    corps = CORPS.get((operation.method.upper(), operation.path))
    for p in declares:
        if p["in"] == "path":
            yield chemin | {p["name"]: forgee}, {}, corps
        elif p["in"] == "query":
            yield chemin, {p["name"]: forgee}, corps
    for nom, valeur in (corps or {}).items():
        if isinstance(valeur, str):
            yield chemin, {}, corps | {nom: forgee}


def test_octets_forges_dans_chaque_parametre(identite, entetes):
    """Saut de ligne, NUL et guillemets dans chaque paramètre de chemin et de requête et chaque champ de texte du
    corps (JSON ou formulaire), un à la fois : jamais d'erreur serveur, toujours une réponse décrite."""
    pk = Convention.objects.get(epci_id=CAZALS_SALVIAC, type="adhesion").pk
    statuts = []
    for resultat in schema.get_all_operations():
        operation = resultat.ok()
        media = "multipart/form-data" if operation.path.endswith("/signature") else "application/json"
        declares = {p["name"] for p in operation.definition.raw.get("parameters", [])}
        version = {"If-Match": '"1"'} if "If-Match" in declares else {}
        for forgee in FORGEES:
            for chemin, requete, corps in _variantes(operation, pk, forgee):
                corps_et_type = {"body": corps, "media_type": media} if corps is not None else {}
                case = operation.Case(path_parameters=chemin, query=requete, headers=version, **corps_et_type)
                statuts.append(case.call_and_validate(headers=entetes[identite]).status_code)
    assert len(statuts) > 100
    assert 400 in statuts  # NUL ou saut de ligne : refusés en français, jamais passés à la base


def test_scenarios(identite, entetes):
    class Scenarios(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": entetes[identite]}

    run_state_machine_as_test(Scenarios, settings=settings(REGLAGES, max_examples=8, stateful_step_count=6))
