"""Les commandes `pvd resolve`, `pvd alias` et `pvd territoires`, par `call_command` et par le vrai `pvd`."""

import csv
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_resolve_dit_la_reponse_et_pourquoi(capsys):
    call_command("resolve", "Puy l'évêque", departement="46")
    sortie = capsys.readouterr().out
    assert "Résolu" in sortie
    assert "Puy-l'Évêque (46231)" in sortie
    assert "accents" in sortie


def test_resolve_json(capsys):
    call_command("resolve", "Saint-Martin", type="commune", format="json")
    donnees = json.loads(capsys.readouterr().out)
    assert donnees["statut"] == "ambigu"
    assert len(donnees["candidats"]) > 1


def test_resolve_debut_de_nom_classe_d_abord_les_communes_du_departement(capsys):
    # « Le Saint » (Morbihan) porte exactement ce nom, mais on cherche dans le Lot.
    call_command("resolve", "Saint", departement="46", format="json")
    donnees = json.loads(capsys.readouterr().out)
    assert donnees["statut"] == "ambigu"
    assert [c["departement"] for c in donnees["candidats"]] == ["46"] * len(donnees["candidats"])
    assert donnees["candidats"][0]["nom"] == "Saint-Céré"


def ecrire(chemin, texte, encodage="utf-8"):
    chemin.write_bytes(texte.encode(encodage))
    return chemin


def test_resolve_fichier_garde_les_colonnes_et_l_ordre(tmp_path, capsys):
    entree = ecrire(
        tmp_path / "noms.csv",
        "\ufeffnom;departement;remarque\nPuy l'évêque;46;a\nSaint-Martin;;b\n\nXyzzy;46;c\nCauvaldor;;d\n",
    )
    sortie = tmp_path / "sortie.csv"
    call_command("resolve", file=str(entree), output=str(sortie))
    assert "4 lignes lues : 2 résolues, 1 ambiguë, 1 introuvable" in capsys.readouterr().out
    with sortie.open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    assert [ligne["remarque"] for ligne in lignes] == ["a", "b", "c", "d"]
    assert [ligne["statut"] for ligne in lignes] == ["resolu", "ambigu", "introuvable", "resolu"]
    assert lignes[0]["code"] == "46231"
    assert lignes[0]["nom_officiel"] == "Puy-l'Évêque"
    assert lignes[3]["code"] == "200066371"
    assert "Saint-Martin" in lignes[1]["candidats"]


def test_resolve_fichier_cp1252_virgules(tmp_path):
    entree = ecrire(tmp_path / "noms.csv", "nom,type\nSaint-Céré,commune\nGrand-Figeac,epci\n", "cp1252")
    sortie = tmp_path / "sortie.csv"
    call_command("resolve", file=str(entree), output=str(sortie))
    with sortie.open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f))
    assert [ligne["code"] for ligne in lignes] == ["46251", "200067361"]


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        ("commune;departement\nGramat;46\n", "ligne 1 : colonne obligatoire absente : nom"),
        ('nom;departement\nGramat;46\n"Martel;46;x;y\n', "ligne 3"),
        ("nom;type\nGramat;ville\n", "ligne 2, colonne type"),
        ("", "le fichier est vide"),
    ],
)
def test_resolve_fichier_casse_message_francais(tmp_path, contenu, message):
    entree = ecrire(tmp_path / "casse.csv", contenu)
    with pytest.raises(CommandError) as erreur:
        call_command("resolve", file=str(entree), output=str(tmp_path / "s.csv"))
    assert "casse.csv" in str(erreur.value)
    assert message in str(erreur.value)


def test_alias_add_list_remove(capsys):
    call_command("alias", "add", "Pays de Figeac", epci="200067361")
    call_command("alias", "list")
    assert "Pays de Figeac" in capsys.readouterr().out
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("alias", "add", "pays de figeac", epci="200067361")
    with pytest.raises(CommandError, match="Aucun EPCI actuel"):
        call_command("alias", "add", "Ailleurs", epci="123456789")
    call_command("alias", "remove", "Pays de Figeac", type="epci")
    with pytest.raises(CommandError, match="Aucun alias"):
        call_command("alias", "remove", "Pays de Figeac", type="epci")


def test_commande_pvd_sans_argument_affiche_l_aide():
    resultat = subprocess.run([sys.executable, "-m", "pvd.cli"], capture_output=True, text=True, check=True)
    assert "Commandes de PVD" in resultat.stdout
    assert "pvd resolve" in resultat.stdout


def test_le_serveur_de_production_refuse_de_demarrer_sans_cle(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_"))}
    env.update(PVD_ENV="production", PVD_DATA_DIR=str(tmp_path))
    resultat = subprocess.run(
        [sys.executable, "-c", "import pvd.config.wsgi"], capture_output=True, text=True, env=env
    )
    assert resultat.returncode != 0
    assert "PVD_SECRET_KEY" in resultat.stderr


@pytest.mark.parametrize(
    ("commande", "arguments", "options", "message"),
    [
        ("import", ["{absent}"], {"source": "tableur"}, "absent.csv : fichier introuvable"),
        ("lire_communique", ["{absent}"], {}, "absent.csv : fichier introuvable"),
        (
            "resolve",
            [],
            {"file": "{absent}", "output": "{dossier}/s.csv"},
            "absent.csv : fichier introuvable",
        ),
        (
            "communique",
            [],
            {"departement": "46", "date": "2021-07-27", "output": "{dossier}/non/c.md"},
            "le dossier",
        ),
        ("export", ["laureats"], {"output": "{dossier}/non/l.csv"}, "le dossier"),
        ("backup", [], {"output": "/proc/pvd-sauvegarde"}, "impossible d'y écrire la sauvegarde"),
    ],
)
def test_un_chemin_absent_est_dit_en_francais(tmp_path, commande, arguments, options, message):
    def remplir(valeur):
        return valeur.format(absent=tmp_path / "absent.csv", dossier=tmp_path)

    with pytest.raises(CommandError) as erreur:
        call_command(commande, *map(remplir, arguments), **{k: remplir(v) for k, v in options.items()})
    assert message in str(erreur.value)
    assert "No such file" not in str(erreur.value) and "Errno" not in str(erreur.value)


def test_pvd_erreur_sur_la_sortie_d_erreur(tmp_path, capfd):
    from pvd.cli import main

    with pytest.raises(SystemExit) as sortie:
        main(["resolve", "--file", str(tmp_path / "absent.csv"), "--output", str(tmp_path / "s.csv")])
    assert sortie.value.code == 1
    erreur = capfd.readouterr().err
    assert erreur.startswith("Erreur : ") and "absent.csv : fichier introuvable" in erreur
    assert "CommandError" not in erreur


def test_runserver_s_annonce_et_echoue_en_francais(monkeypatch, capsys):
    import errno as numeros

    from pvd.web.management.commands import serveur

    def servir(adresse, port, gestionnaire, *, on_bind, **options):
        on_bind(port)
        raise OSError(numeros.EADDRINUSE, "Address already in use")

    def sortir(code):
        raise SystemExit(code)

    monkeypatch.setattr(serveur, "run", servir)
    monkeypatch.setattr(serveur.os, "_exit", sortir)
    with pytest.raises(SystemExit):
        call_command("serveur", "127.0.0.1:8765", use_reloader=False, skip_checks=False)
    sorties = capsys.readouterr()
    assert "site servi sur http://127.0.0.1:8765/ (Ctrl-C pour arrêter)" in sorties.out
    assert "ce port est déjà utilisé" in sorties.err
    texte = sorties.out + sorties.err
    for anglais in ("Starting development server", "Django version", "Quit the server", "WARNING", "Error:"):
        assert anglais not in texte


def test_pvd_runserver_est_le_serveur_en_francais(monkeypatch):
    import pvd.cli

    lancees = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", lancees.append)
    pvd.cli.main(["runserver", "127.0.0.1:8765"])
    assert lancees == [["pvd", "serveur", "127.0.0.1:8765"]]


def test_journaux_du_serveur_en_francais(client, caplog):
    client.get("/cette-page-n-existe-pas/")
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == ["Page introuvable (404) : /cette-page-n-existe-pas/"]


def test_resolve_fichier_lisible_par_excel_et_sans_formule(tmp_path):
    """Sortie en UTF-8 avec BOM (accents justes dans Excel) ; `=`, `+`, `-`, `@` en tête neutralisés comme les exports."""
    entree = ecrire(
        tmp_path / "noms.csv",
        'nom;remarque\nSaint-Céré;=HYPERLINK("http://x")\n@SUM(1);+33 5 65\n-Gramat;ok\n',
        "cp1252",
    )
    sortie = tmp_path / "sortie.csv"
    call_command("resolve", file=str(entree), output=str(sortie))
    octets = sortie.read_bytes()
    assert octets.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.DictReader(octets.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert lignes[0]["nom_officiel"] == "Saint-Céré"
    assert lignes[0]["remarque"] == '\'=HYPERLINK("http://x")'
    assert (lignes[1]["nom"], lignes[1]["remarque"]) == ("'@SUM(1)", "'+33 5 65")
    assert lignes[2]["nom"] == "'-Gramat"
    assert not any(v.startswith(("=", "+", "-", "@")) for ligne in lignes for v in ligne.values())
