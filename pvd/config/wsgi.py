"""Point d'entrée WSGI (gunicorn, uWSGI…). En production, refuse de démarrer sans `PVD_SECRET_KEY`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pvd.config.settings.base")

application = get_wsgi_application()

from pvd.config.checks import require_secret_key  # noqa: E402

require_secret_key()
