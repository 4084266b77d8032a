"""Navigateur : le Chromium de Debian piloté par Playwright (aucun téléchargement de navigateur).

Sans Chromium, ces tests sont sautés avec un avis, sauf si PVD_REQUIRE_BROWSER=1 (la CI) : ils échouent alors.

Le site testé est le site servi : les fichiers statiques sont collectés, renommés avec leur empreinte et compressés
comme pour `pvd demo` et la production (`CompressedManifestStaticFilesStorage`, servis par WhiteNoise), dans
`.cache/statiques-navigateur/`, collectés de nouveau seulement quand les sources changent. Une page échoue au
moindre problème que verrait un visiteur : ressource bloquée, erreur de console, requête échouée, réponse HTTP
≥ 400 (sauf celles qu'un test annonce par `@pytest.mark.erreurs_http_permises(403)`).
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test.utils import override_settings
from playwright.sync_api import expect

# Le délai d'attente d'une assertion : large, car la CI partage deux cœurs entre le serveur de test, Chromium et
# d'autres travaux ; la première suggestion construit l'index du résolveur. Un délai, jamais une mesure de vitesse.
expect.set_options(timeout=20_000)

CHROMIUM = Path(os.environ.get("PVD_CHROMIUM", "/usr/bin/chromium"))
RACINE = Path(__file__).resolve().parents[2]
ARTEFACTS = RACINE / "artefacts"
STATIQUES = RACINE / ".cache" / "statiques-navigateur"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STOCKAGE_SERVI = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def reglages_statiques_servis() -> dict:
    """Les réglages de fichiers statiques de la démonstration et de la production, pointés sur le cache."""
    return {
        "STATIC_ROOT": STATIQUES,
        "STORAGES": {**settings.STORAGES, "staticfiles": {"BACKEND": STOCKAGE_SERVI}},
    }


@pytest.fixture(scope="session")
def statiques_servis():
    """Collecte les fichiers statiques comme `pvd demo` (une à deux minutes la première fois), puis les réutilise."""
    from pvd.web.statiques import statiques_collecter

    STATIQUES.mkdir(parents=True, exist_ok=True)
    with override_settings(**reglages_statiques_servis()):
        statiques_collecter()
    return STATIQUES


@pytest.fixture(scope="session")
def live_server(statiques_servis):
    """Le serveur de test de pytest-django, mais qui sert les fichiers statiques collectés, par WhiteNoise.

    Le gestionnaire de fichiers statiques de Django (qui lit les sources, sans empreinte) est écarté : c'est le
    même intergiciel WhiteNoise que dans la démonstration qui répond, sur le dossier collecté.
    """
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    serveur = LiveServer("localhost", start=False)
    ancien = serveur.thread
    serveur.thread = LiveServerThread(
        "localhost",
        static_handler=lambda application: application,
        connections_override=ancien.connections_override,
    )
    serveur.thread.daemon = True
    with override_settings(**reglages_statiques_servis()):
        serveur.start()  # l'intergiciel WhiteNoise lit STATIC_ROOT à son démarrage, dans ce fil
    yield serveur
    serveur.stop()


@pytest.fixture(autouse=True)
def _statiques_servis_pendant_le_test(request):
    """Pendant un test de navigateur, `{% static %}` donne les noms avec empreinte, comme en démonstration."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("live_server")
    with override_settings(**reglages_statiques_servis()):
        yield


@pytest.fixture(scope="session")
def navigateur():
    if not CHROMIUM.exists():
        message = f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium »."
        if os.environ.get("PVD_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " PVD_REQUIRE_BROWSER=1 interdit de sauter les tests de navigateur.")
        pytest.skip(message + " Tests de navigateur sautés.")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGUMENTS)
        yield navigateur
        navigateur.close()


ECHEC_DE_CHARGEMENT = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")


@pytest.fixture
def page(navigateur, request):
    """Une page ; à la fin du test, rien de ce qu'un visiteur verrait de travers n'est permis : ressource bloquée
    (CSP, intégrité), erreur de console ou d'exécution, avertissement de Vue, requête échouée, réponse ≥ 400."""
    marqueur = request.node.get_closest_marker("erreurs_http_permises")
    permis = set(marqueur.args) if marqueur else set()
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    problemes = []

    def console(message):
        texte = message.text
        echec = ECHEC_DE_CHARGEMENT.search(texte)
        if echec and int(echec.group(1)) in permis:
            return
        if message.type == "error" or "Content Security Policy" in texte or "[Vue warn]" in texte:
            problemes.append(f"console ({message.type}) : {texte}")

    def reponse(reponse):
        if reponse.status >= 400 and reponse.status not in permis:
            problemes.append(f"HTTP {reponse.status} : {reponse.url}")

    def requete_echouee(requete):
        # ERR_ABORTED : le navigateur a annulé la requête parce que la page a changé ; rien n'a échoué.
        if requete.failure != "net::ERR_ABORTED":
            problemes.append(f"échec : {requete.url} ({requete.failure})")

    page.on("console", console)
    page.on("pageerror", lambda erreur: problemes.append(f"exception : {erreur}"))
    page.on("requestfailed", requete_echouee)
    page.on("response", reponse)
    yield page
    contexte.close()
    assert problemes == [], "\n".join(problemes)


@pytest.fixture
def capture():
    """`capture(page, "nom")` enregistre une capture d'écran dans artefacts/ (gardée par la CI)."""
    ARTEFACTS.mkdir(exist_ok=True)

    def prendre(page, nom: str) -> Path:
        chemin = ARTEFACTS / f"{nom}.png"
        page.screenshot(path=str(chemin), full_page=True)
        return chemin

    return prendre


@pytest.fixture
def verifier_accessibilite():
    """Injecte axe-core (paquet npm) et renvoie les violations sérieuses ou critiques de la page."""
    source = (settings.NODE_MODULES_DIR / "axe-core" / "axe.min.js").read_text()

    def verifier(page) -> list[dict]:
        # Évalué par le protocole du navigateur, et non injecté : la CSP de la page (sans script en ligne) reste active.
        page.evaluate(source + "\n;window.axe = axe;")
        resultat = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        graves = [v for v in resultat["violations"] if v["impact"] in ("serious", "critical")]
        return [
            {"id": v["id"], "aide": v["help"], "noeuds": [n["target"] for n in v["nodes"][:3]]}
            for v in graves
        ]

    verifier.formater = lambda violations: json.dumps(violations, ensure_ascii=False, indent=1)
    return verifier
