"""Production : le contrôle de déploiement de Django passe, sans avertissement, avec les réglages de production."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone


def environnement_propre(tmp_path, **variables) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_URL", "XDG_"))
    }
    env.update(HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="pvd.config.settings.base", **variables)
    return env


def django_check(env, *options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", *options], capture_output=True, text=True, env=env
    )


def test_check_deploy_sans_avertissement(tmp_path):
    env = environnement_propre(
        tmp_path,
        PVD_ENV="production",
        PVD_SECRET_KEY=secrets.token_urlsafe(64),
        PVD_ALLOWED_HOSTS="pvd.exemple.gouv.fr",
        DATABASE_URL="postgres://pvd@base.exemple.gouv.fr:5432/pvd",
    )
    resultat = django_check(env, "--deploy", "--fail-level", "WARNING")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


def test_check_deploy_avec_stockage_s3_sans_avertissement(tmp_path):
    """Plusieurs serveurs : les fichiers dans un compartiment S3 privé, les identifiants dans l'environnement."""
    env = environnement_propre(
        tmp_path,
        PVD_ENV="production",
        PVD_SECRET_KEY=secrets.token_urlsafe(64),
        PVD_ALLOWED_HOSTS="pvd.exemple.gouv.fr",
        DATABASE_URL="postgres://pvd@base.exemple.gouv.fr:5432/pvd",
        PVD_STOCKAGE="s3",
        PVD_S3_BUCKET="pvd-conventions",
        PVD_S3_ENDPOINT_URL="https://s3.exemple.gouv.fr",
        PVD_S3_REGION="fr-par",
        AWS_ACCESS_KEY_ID="cle",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    resultat = django_check(env, "--deploy", "--fail-level", "WARNING")
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout
    reglage = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.files.storage import storages; "
            "s = storages['default']; "
            "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, s.querystring_auth, "
            "s.file_overwrite)",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert reglage.stdout.split() == [
        "S3Storage",
        "pvd-conventions",
        "https://s3.exemple.gouv.fr",
        "None",
        "True",
        "False",
    ], reglage.stderr


@pytest.mark.parametrize(
    ("variables", "attendu"),
    [
        ({"PVD_STOCKAGE": "nuage"}, "pvd.E004"),
        ({"PVD_STOCKAGE": "s3"}, "pvd.E005"),
        ({"PVD_STOCKAGE": "s3", "PVD_S3_BUCKET": "b", "PVD_S3_ADRESSAGE": "x"}, "pvd.E006"),
        (
            {"PVD_STOCKAGE": "s3", "PVD_S3_BUCKET": "b", "PVD_S3_ENDPOINT_URL": "http://s3.interne"},
            "pvd.E007",
        ),
    ],
)
def test_stockage_mal_regle_refuse_en_francais(tmp_path, variables, attendu):
    env = environnement_propre(
        tmp_path,
        PVD_ENV="production",
        PVD_SECRET_KEY=secrets.token_urlsafe(64),
        PVD_ALLOWED_HOSTS="pvd.exemple.gouv.fr",
        DATABASE_URL="postgres://pvd@base.exemple.gouv.fr:5432/pvd",
        **variables,
    )
    resultat = django_check(env, "--deploy")
    assert resultat.returncode == 1
    assert attendu in resultat.stderr and "PVD_S" in resultat.stderr


def test_une_machine_sans_configuration_n_est_pas_un_serveur_qui_demarre(tmp_path):
    """Sans fichier local ni variable : production par défaut, qui refuse de démarrer et dit quoi définir."""
    resultat = django_check(environnement_propre(tmp_path))
    assert resultat.returncode == 1
    for variable in ("PVD_SECRET_KEY", "PVD_ALLOWED_HOSTS", "DATABASE_URL"):
        assert variable in resultat.stderr
    assert "make demo" in resultat.stderr


def test_le_fichier_local_de_la_demo_suffit_et_l_environnement_l_emporte(tmp_path):
    fichier = tmp_path / ".local" / "share" / "pvd" / "local.env"
    fichier.parent.mkdir(parents=True)
    fichier.write_text("# écrit par pvd demo\nPVD_ENV=demo\n", encoding="utf-8")
    assert django_check(environnement_propre(tmp_path)).returncode == 0
    resultat = django_check(environnement_propre(tmp_path, PVD_ENV="production"))
    assert resultat.returncode == 1
    assert "pvd.E001" in resultat.stderr


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
