"""Point d'entrée WSGI (gunicorn, uWSGI…). En production, refuse de démarrer sans clé secrète, noms d'hôte et
PostgreSQL."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pvd.config.settings.base")

application = get_wsgi_application()

from pvd.config.checks import require_production_settings  # noqa: E402

require_production_settings()
