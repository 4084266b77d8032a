"""La collecte des fichiers statiques n'est refaite que si une source a changé (pvd demo, tests de navigateur)."""

import os
import time

from django.test.utils import override_settings

from pvd.web.statiques import statiques_collecter


def test_collecte_refaite_seulement_quand_une_source_change(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "site.css").write_text("body { color: #000091; }")
    collecte = tmp_path / "collecte"
    with override_settings(
        STATIC_ROOT=collecte,
        STATICFILES_DIRS=[sources],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        assert statiques_collecter() is True
        assert (collecte / "site.css").read_text() == "body { color: #000091; }"
        assert statiques_collecter() is False

        (sources / "site.css").write_text("body { color: #e1000f; }")
        plus_tard = (
            time.time_ns() + 10**10
        )  # une date plus récente que la copie, même si l'horloge n'a pas avancé
        os.utime(sources / "site.css", ns=(plus_tard, plus_tard))
        assert statiques_collecter() is True
        assert (collecte / "site.css").read_text() == "body { color: #e1000f; }"

        (sources / "carte.js").write_text("// nouveau")
        assert statiques_collecter() is True
        assert (collecte / "carte.js").exists()
