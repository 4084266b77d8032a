"""Collecte des fichiers statiques, seulement quand leurs sources ont changé.

La collecte de `CompressedManifestStaticFilesStorage` renomme et compresse chaque fichier du DSFR : près de deux
minutes sur deux cœurs. `pvd demo`, les tests de navigateur et les mesures la relancent à chaque fois ; une empreinte
des sources, gardée dans le dossier collecté, permet de ne la refaire que si un fichier a changé.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

TEMOIN = ".empreinte-des-sources"


def empreinte_des_sources() -> str:
    """Chemin, taille et date de chaque fichier que trouvent les « finders », et le stockage qui les collecte."""
    lignes = []
    for finder in get_finders():
        for chemin, stockage in finder.list([]):
            stat = os.stat(stockage.path(chemin))
            lignes.append(f"{chemin}\t{stat.st_size}\t{stat.st_mtime_ns}")
    lignes.append(settings.STORAGES["staticfiles"]["BACKEND"])
    return hashlib.sha256("\n".join(sorted(lignes)).encode()).hexdigest()


def statiques_collecter() -> bool:
    """Collecte dans STATIC_ROOT si les sources ont changé depuis la dernière collecte ; dit si elle a eu lieu."""
    temoin = Path(settings.STATIC_ROOT) / TEMOIN
    empreinte = empreinte_des_sources()
    if temoin.exists() and temoin.read_text() == empreinte:
        return False
    temoin.unlink(missing_ok=True)  # une collecte interrompue ne laisse pas un témoin à jour
    call_command("collectstatic", interactive=False, verbosity=0)
    temoin.write_text(empreinte)
    return True
