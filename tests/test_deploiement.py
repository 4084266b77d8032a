"""Production : le contrôle de déploiement de Django passe, sans avertissement, avec les réglages de production."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone


def test_check_deploy_sans_avertissement(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        PVD_ENV="production",
        PVD_SECRET_KEY=secrets.token_urlsafe(64),
        PVD_ALLOWED_HOSTS="pvd.exemple.gouv.fr",
        PVD_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="pvd.config.settings.base",
    )
    resultat = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


@pytest.mark.django_db
def test_journal_de_securite_garde_trois_mois(capsys):
    from pvd.accounts.models import EvenementSecurite

    ancien = EvenementSecurite.objects.create(type="echec", identifiant="x")
    EvenementSecurite.objects.filter(pk=ancien.pk).update(fait_le=timezone.now() - timedelta(days=500))
    recent = EvenementSecurite.objects.create(type="echec", identifiant="y")
    EvenementSecurite.objects.filter(pk=recent.pk).update(fait_le=timezone.now() - timedelta(days=95))
    with pytest.raises(CommandError, match="au moins 92 jours"):
        call_command("securite", "purger", jours=30)
    call_command("securite", "purger")
    assert list(EvenementSecurite.objects.values_list("identifiant", flat=True)) == ["y"]
