"""Réglages de PVD : tout est ici, et seules des variables d'environnement changent le comportement.

Modes (`PVD_ENV`) :
- `production` (par défaut) : `PVD_SECRET_KEY` est obligatoire, le serveur refuse de démarrer sans elle ;
- `demo` : posé par `pvd demo`, qui l'écrit aussi dans `local.env` du dossier de données pour les commandes
  suivantes ; clé secrète générée et gardée dans le dossier de données ;
- `test` : posé par les réglages de test.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
import platformdirs
from csp.constants import NONCE

from pvd.config import environnement, stockage

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = PACKAGE_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "vrai", "oui", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


# Données de l'utilisateur (base SQLite, fichiers déposés, clé de démonstration, fichier d'environnement local).
DATA_DIR = Path(os.environ.get("PVD_DATA_DIR") or platformdirs.user_data_dir("pvd", appauthor=False))

# `pvd demo` y écrit PVD_ENV=demo : les commandes lancées ensuite, sans rien exporter, servent la même démonstration.
environnement.appliquer(DATA_DIR / environnement.NOM_FICHIER)

PVD_ENV = os.environ.get("PVD_ENV", "production").strip().lower()
DEBUG = env_bool("PVD_DEBUG")

# Paquets npm installés par `npm ci` (référentiel COG, coordonnées, htmx).
NODE_MODULES_DIR = Path(os.environ.get("PVD_NODE_MODULES") or PROJECT_DIR / "node_modules")


def _secret_key() -> str:
    key = os.environ.get("PVD_SECRET_KEY", "")
    if key or (PVD_ENV == "production" and not DEBUG):
        return key
    # Démonstration ou développement : une clé aléatoire propre à cette machine, jamais une valeur du code.
    key_file = DATA_DIR / "cle-secrete-demo.txt"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "PVD_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if PVD_ENV != "production" or DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "ninja",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "pvd.accounts",
    "pvd.territoires",
    "pvd.programmes",
    "pvd.actions",
    "pvd.publication",
    "pvd.exploitation",
    "pvd.imports",
    "pvd.travaux",
    "pvd.web",
    "pvd.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pvd.accounts.middleware.CaracteresDeControleMiddleware",
    "pvd.accounts.middleware.LimiteTailleMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pvd.accounts.middleware.SessionRenouveleeMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pvd.accounts.middleware.JetonApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pvd.accounts.middleware.JournalRefusMiddleware",
    "axes.middleware.AxesMiddleware",
    "pvd.api.cache.LecturesEnCacheMiddleware",
]

# Lectures de l'API gardées en cache jusqu'à la prochaine écriture (pvd/api/cache.py).
PVD_CACHE_API = env_bool("PVD_CACHE_API", True)

ROOT_URLCONF = "pvd.config.urls"
WSGI_APPLICATION = "pvd.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
DSFR_MARK_OPTIONAL_FIELDS = True
# Pas de hachage d'intégrité (SRI) sur les feuilles et scripts du DSFR : nous les servons nous-mêmes, et la collecte
# réécrit leurs url(), ce qui rendait le hachage faux et faisait bloquer la feuille par le navigateur (ADR 0009).
DSFR_USE_INTEGRITY_CHECKSUMS = False


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "pvd.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL + IMMEDIATE : plusieurs écrivains simultanés sans « database is locked » (voir docs/adr).
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
    ("vendor/dsfr-chart", NODE_MODULES_DIR / "@gouvfr" / "dsfr-chart" / "dist" / "MapChart"),
    ("vendor/dsfr-chart-barres", NODE_MODULES_DIR / "@gouvfr" / "dsfr-chart" / "dist" / "BarChart"),
    ("vendor/leaflet", NODE_MODULES_DIR / "leaflet" / "dist"),
]
# Fichiers déposés : sur le disque (MEDIA_ROOT) par défaut, ou dans un stockage objet compatible S3 que plusieurs
# serveurs partagent (`PVD_STOCKAGE=s3`, variables PVD_S3_… : voir pvd/config/stockage.py).
PVD_STOCKAGE = stockage.mode(os.environ)
STORAGES = {
    "default": stockage.reglage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "fichiers"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PVD_ENV == "production" and not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("PVD_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Le répartiteur de charge interroge `/sante/` en HTTP, sur le réseau interne.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PVD_LOG_LEVEL", "WARNING")},
    # pypdf avertit (en anglais) de chaque défaut d'un PDF qu'il sait pourtant lire : seules ses erreurs comptent.
    "loggers": {
        "pypdf": {"level": "ERROR"},
        "django.request": {"filters": ["en_francais"]},
        "django.utils.autoreload": {"filters": ["en_francais"]},
    },
    "filters": {"en_francais": {"()": "pvd.config.journaux.EnFrancais"}},
}

LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accueil"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Comptes, sessions, verrouillage ------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SESSION_COOKIE_AGE = 12 * 3600  # 12 heures sans activité au plus
SESSION_SAVE_EVERY_REQUEST = False  # l'échéance court depuis la dernière requête, renouvelée au plus
# une fois par minute (`accounts.middleware.SessionRenouveleeMiddleware`) : lire une page n'écrit pas à chaque fois
SESSION_COOKIE_SAMESITE = "Lax"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # heures : un quart d'heure de verrouillage après cinq échecs
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "web/verrouillage.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Tailles en octets, écrites en mégaoctets décimaux par `pvd.config.tailles.en_mo` (20 000 000 octets : « 20 Mo »).
# Un fichier déposé (PDF signé, tableur importé) ; une requête entière, refusée (413) avant d'être lue.
PVD_TAILLE_MAX_FICHIER = int(os.environ.get("PVD_TAILLE_MAX_FICHIER", 20_000_000))
PVD_TAILLE_MAX_REQUETE = int(os.environ.get("PVD_TAILLE_MAX_REQUETE", 25_000_000))

# Travaux longs (ADR 0012) : file de tâches en base (django-tasks), exécutée par `pvd worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Un import confirmé de plus de N lignes passe par un travail long (page de suivi) plutôt que par la requête.
PVD_IMPORT_LIGNES_TACHE = int(os.environ.get("PVD_IMPORT_LIGNES_TACHE", 2_000))
# Un travail « en cours » muet depuis N secondes a perdu son processus : `pvd worker` le déclare échoué. Plus long
# que la plus longue transaction d'écriture d'un import (pendant laquelle, sur SQLite, le battement se tait).
PVD_TRAVAUX_SILENCE_MAX = int(os.environ.get("PVD_TRAVAUX_SILENCE_MAX", 600))

# En-têtes de sécurité : CSP sans « unsafe-inline » ni « unsafe-eval » pour les scripts (ressources servies ici).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# ProConnect (OpenID Connect des agents de l'État), activé quand ses réglages sont donnés.
PVD_OIDC_ACTIF = bool(os.environ.get("PVD_OIDC_CLIENT_ID"))
if PVD_OIDC_ACTIF:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("pvd.accounts.proconnect.ProConnectBackend")
    OIDC_RP_CLIENT_ID = os.environ["PVD_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("PVD_OIDC_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["PVD_OIDC_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["PVD_OIDC_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["PVD_OIDC_USERINFO_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ["PVD_OIDC_JWKS_ENDPOINT"]
    OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("PVD_OIDC_LOGOUT_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("PVD_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("PVD_OIDC_SCOPES", "openid email given_name usual_name siret")
    OIDC_USE_NONCE = True
    OIDC_USE_PKCE = True
    OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
    OIDC_STATE_SIZE = 48
    OIDC_NONCE_SIZE = 48
    OIDC_CREATE_USER = env_bool("PVD_OIDC_CREATE_USER", True)
    PVD_OIDC_ACR_VALUES = os.environ.get(
        "PVD_OIDC_ACR_VALUES", ""
    )  # « eidas2 » : double authentification exigée
    if PVD_OIDC_ACR_VALUES:
        OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": PVD_OIDC_ACR_VALUES}
    LOGIN_REDIRECT_URL_FAILURE = "/connexion/"
