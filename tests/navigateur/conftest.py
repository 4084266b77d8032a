"""Navigateur : le Chromium de Debian piloté par Playwright (aucun téléchargement de navigateur).

Sans Chromium, ces tests sont sautés avec un avis, sauf si PVD_REQUIRE_BROWSER=1 (la CI) : ils échouent alors.
"""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("PVD_CHROMIUM", "/usr/bin/chromium"))
ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts"
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


@pytest.fixture
def page(navigateur):
    """Une page ; à la fin du test, aucune violation de la politique de sécurité des contenus (CSP) n'est permise."""
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = contexte.new_page()
    violations_csp = []
    page.on(
        "console",
        lambda message: (
            violations_csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    contexte.close()
    assert violations_csp == [], violations_csp


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
