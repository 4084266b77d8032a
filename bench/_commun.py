"""Préparation commune aux mesures : Django sur une base neuve (SQLite temporaire ou DATABASE_URL), la machine."""

import os
import platform
import sys
import tempfile
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))


def preparer_django() -> None:
    """Base SQLite neuve dans un dossier temporaire, sauf si DATABASE_URL est donnée."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["PVD_DATA_DIR"] = tempfile.mkdtemp(prefix="pvd-bench-")
    os.environ.setdefault("PVD_ENV", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pvd.config.settings.base")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                cpu = ligne.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from django.db import connection

    return (
        f"Machine : {cpu}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
        f"base {connection.vendor} — {platform.node()}"
    )
