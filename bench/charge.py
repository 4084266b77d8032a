"""Mesure : la charge, sous locust, de PVD servi par gunicorn et PostgreSQL, avec Datasette en référence.

1. Prépare la base PostgreSQL `pvd_bench_charge` (créée et migrée ici ; l'URL se change par PVD_BENCH_CHARGE_URL) :
   le registre national et les plans d'action des mesures `registre_national.py` et `plans.py` (mêmes graines),
   les lauréats publiés ; la base est réutilisée d'une fois sur l'autre si elle est complète (`--reconstruire`
   pour la refaire). Des comptes de mesure (agents de préfecture, chefs de projet avec leur jeton d'API et chacun
   sa fiche action) sont recréés à chaque fois, leurs sessions ouvertes d'avance.
2. Exporte de cette base, dans un fichier SQLite, ce que rendent `/api/v1/laureats` (lauréats publiés : commune,
   département, EPCI, dates, jalons ; dans l'ordre de l'API) et `/api/v1/communes/{code}` (toutes les communes),
   avec une table plein texte (FTS5) sur les noms de communes : Datasette 0.65.5 le sert.
3. Lance `pvd serve` (gunicorn, réglages de production par l'environnement) et Datasette (`-i`, immuable, sans
   suggestion de facettes : sa configuration la plus rapide), depuis `.venv-bench` pour Datasette et locust.
4. Charge mêlée : `--utilisateurs` utilisateurs simulés pendant `--duree` secondes (visiteurs publics, agents de
   préfecture, chefs de projet qui modifient leur fiche avec If-Match, lecteurs de l'API, lecteurs de Datasette) ;
   requêtes par seconde, médiane, 95e et 99e centiles par page, erreurs (cible : 0).
5. Comparaison à armes égales avec Datasette, par tours alternés (PVD puis Datasette, puis l'inverse) de
   `--tour` secondes, `--clients` clients sans pause, sur trois couples de points équivalents : liste JSON filtrée
   par département (100 par page), détail d'une commune, recherche d'un nom (résolution contre FTS). On mesure les
   requêtes par seconde et le temps processeur consommé par chaque serveur (processus gunicorn et leurs connexions
   PostgreSQL, processus Datasette) : le rapport « requêtes par seconde de processeur » compare ce que coûte une
   requête, quel que soit le nombre de cœurs que chacun sait occuper (Datasette n'a qu'un processus) et ce que font
   les autres programmes de la machine. Cibles : listes ≥ 1,3 × Datasette, détails ≥ 0,7 ×.

Les serveurs sont arrêtés en sortant, même sur Ctrl-C.

Usage : python bench/charge.py [--duree 120] [--utilisateurs 50] [--tour 15] [--tours 2] [--clients 8]
        [--workers 2] [--reconstruire]
Essai rapide : python bench/charge.py --duree 20 --utilisateurs 10 --tour 5 --tours 1
"""

import argparse
import atexit
import contextlib
import csv
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
BENCH = RACINE / "bench"
VENV_BENCH = Path(os.environ.get("VENV_BENCH") or RACINE / ".venv-bench")
URL_BASE = os.environ.get("PVD_BENCH_CHARGE_URL", "postgres://postgres@127.0.0.1:5432/pvd_bench_charge")
DOSSIER = Path(tempfile.mkdtemp(prefix="pvd-charge-"))
HTTPS = {"X-Forwarded-Proto": "https"}  # derrière un mandataire TLS, comme en production

# L'environnement de production, pour ce processus (préparation, sessions) et pour le serveur.
os.environ.update(
    {
        "DATABASE_URL": URL_BASE,
        "PVD_ENV": "production",
        "PVD_SECRET_KEY": secrets.token_urlsafe(50),
        # Dossier de données stable : les fichiers statiques ne sont collectés (et compressés) qu'une fois.
        "PVD_DATA_DIR": str(Path(tempfile.gettempdir()) / "pvd-bench-charge-donnees"),
        "PVD_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "pvd.config.settings.base",
    }
)
os.environ.pop("PVD_DEBUG", None)

SERVEURS: list[subprocess.Popen] = []


# Serveurs ----------------------------------------------------------------------------------------------------------


def arreter_serveurs() -> None:
    """Arrête chaque serveur lancé (son groupe de processus : gunicorn et ses workers), SIGKILL s'il traîne."""
    while SERVEURS:
        processus = SERVEURS.pop()
        if processus.poll() is not None:
            continue
        try:
            os.killpg(processus.pid, signal.SIGTERM)
            processus.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(processus.pid, signal.SIGKILL)


def _sur_signal(signum, _frame):
    arreter_serveurs()
    print(f"\nInterrompu ({signal.Signals(signum).name}) : serveurs arrêtés.", file=sys.stderr)
    raise SystemExit(128 + signum)


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lancer(commande: list[str], env: dict, journal: Path) -> subprocess.Popen:
    sortie = journal.open("wb")
    processus = subprocess.Popen(
        commande, env=env, stdout=sortie, stderr=subprocess.STDOUT, start_new_session=True, cwd=RACINE
    )
    SERVEURS.append(processus)
    return processus


def attendre(url: str, processus: subprocess.Popen, journal: Path, delai: float = 120) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        if processus.poll() is not None:
            raise SystemExit(
                f"Le serveur s'est arrêté au démarrage ; son journal :\n{journal.read_text()[-3000:]}"
            )
        try:
            requete = urllib.request.Request(url, headers=HTTPS)
            with urllib.request.urlopen(requete, timeout=5) as reponse:
                if reponse.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"Le serveur ne répond pas sur {url} après {delai:.0f} s (journal : {journal}).")


# Temps processeur (Linux, /proc) -------------------------------------------------------------------------------------

TIC = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        texte = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return texte[texte.rindex(")") + 2 :].split()  # après « (nom) » : état, ppid, …


def cpu_arbre(pid: int) -> float:
    """Secondes de processeur d'un processus, de ses enfants vivants et de ceux qui ont fini (attendus)."""
    enfants: dict[int, list[int]] = {}
    for entree in os.listdir("/proc"):
        if entree.isdigit() and (champs := _stat(int(entree))):
            enfants.setdefault(int(champs[1]), []).append(int(entree))
    total, pile = 0.0, [pid]
    while pile:
        courant = pile.pop()
        champs = _stat(courant)
        if champs is None:
            continue
        # champs 14 à 17 de /proc/pid/stat : utime, stime, cutime, cstime (ici décalés de 3)
        total += sum(int(x) for x in champs[11:15]) / TIC
        pile += enfants.get(courant, [])
    return total


def cpu_postgres(connexion, base: str) -> float:
    """Secondes de processeur des connexions PostgreSQL ouvertes sur la base (celles des workers de gunicorn)."""
    with connexion.cursor() as curseur:
        curseur.execute(
            "select pid from pg_stat_activity where datname = %s and pid <> pg_backend_pid()", [base]
        )
        pids = [ligne[0] for ligne in curseur.fetchall()]
    total = 0.0
    for pid in pids:
        champs = _stat(pid)
        if champs:
            total += (int(champs[11]) + int(champs[12])) / TIC
    return total


# Base de mesure ------------------------------------------------------------------------------------------------------


def creer_base() -> None:
    import psycopg

    nom = URL_BASE.rsplit("/", 1)[1]
    try:
        connexion = psycopg.connect(URL_BASE.rsplit("/", 1)[0] + "/postgres", autocommit=True)
    except psycopg.OperationalError as erreur:
        raise SystemExit(
            f"PostgreSQL injoignable pour la mesure de charge ({erreur}). Démarrez-le, ou donnez une autre base "
            "dans PVD_BENCH_CHARGE_URL (postgres://utilisateur@hôte:port/nom_de_base)."
        ) from erreur
    with connexion:
        existe = connexion.execute("select 1 from pg_database where datname = %s", [nom]).fetchone()
        if not existe:
            connexion.execute(f'create database "{nom}"')


def preparer_donnees(reconstruire: bool) -> dict:
    """La base (registre national, plans), ses comptes de mesure et la configuration des scénarios."""
    creer_base()
    sys.path.insert(0, str(BENCH))
    debut = time.perf_counter()
    import plans
    from django.core.management import call_command
    from django.test import Client

    from pvd.accounts.services import jeton_creer, utilisateur_creer
    from pvd.actions.models import FicheAction
    from pvd.programmes.demo import charger_exemple_lot
    from pvd.programmes.models import Convention, Laureat, Programme
    from pvd.territoires.importation import referentiel_importer
    from pvd.territoires.models import Commune
    from pvd.web.statiques import statiques_collecter

    statiques_collecter()
    complete = Laureat.objects.count() >= 1600 and FicheAction.objects.count() >= 1000
    if reconstruire or not complete:
        if Laureat.objects.exists():
            print("Base de mesure incomplète ou à refaire : remise à zéro…", flush=True)
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0)
        referentiel_importer()
        programme = Programme.objects.get(slug="pvd")
        charger_exemple_lot(programme)
        comptes = plans.generer(programme)
        comptes |= plans.generer_plans(programme, 40000, 150000)
        # Les préfectures ont publié leur registre : le public et l'API anonyme lisent tous les lauréats.
        Laureat.objects.update(publie=True)
        print(f"Base de mesure construite en {time.perf_counter() - debut:.0f} s : {comptes}", flush=True)
    else:
        print(f"Base de mesure réutilisée ({URL_BASE.rsplit('/', 1)[1]} ; --reconstruire pour la refaire).")

    # Comptes de mesure : refaits à chaque fois (sessions et jetons liés à la clé secrète de ce lancement).
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(email__endswith="@charge.test").delete()
    par_dep: dict[str, int] = {}
    for dep in Convention.objects.filter(type="cadre_ort").values_list("departement_suivi_id", flat=True):
        par_dep[dep] = par_dep.get(dep, 0) + 1
    departements = sorted(par_dep, key=lambda d: -par_dep[d])[:20]

    def session(utilisateur) -> str:
        client = Client()
        client.force_login(utilisateur)
        return client.cookies["sessionid"].value

    prefectures = []
    for dep in departements:
        agent = utilisateur_creer(
            email=f"pref-{dep.lower()}@charge.test", role="prefecture", departements=[dep]
        )
        conventions = list(
            Convention.objects.filter(departement_suivi_id=dep, type="cadre_ort")
            .order_by("pk")
            .values_list("pk", flat=True)[:5]
        )
        prefectures.append({"departement": dep, "session": session(agent), "conventions": conventions})
    chefs = []
    fiches = (
        FicheAction.objects.filter(convention__type="cadre_ort")
        .select_related("convention")
        .order_by("convention_id", "pk")
        .distinct("convention_id")[:60]
    )
    for i, fiche in enumerate(fiches):
        chef = utilisateur_creer(
            email=f"chef-{i}@charge.test", role="collectivite", epcis=[fiche.convention.epci_id]
        )
        chefs.append(
            {
                "session": session(chef),
                "jeton": jeton_creer(utilisateur=chef, nom="mesure de charge"),
                "convention": fiche.convention_id,
                "fiche": fiche.pk,
            }
        )
    laureats = list(
        Laureat.objects.filter(publie=True)
        .select_related("commune")
        .values_list("commune__code", "commune__nom")
    )
    tous_deps = sorted(set(Laureat.objects.values_list("departement_suivi_id", flat=True)))
    return {
        "prefectures": prefectures,
        "chefs": chefs,
        "departements": tous_deps,
        "communes": [code for code, _ in laureats],
        "noms": [nom.replace("-", " ").lower() for _, nom in laureats],
        "total_communes": Commune.objects.count(),
    }


# Export pour Datasette -----------------------------------------------------------------------------------------------


def exporter_sqlite(chemin: Path) -> dict[str, int]:
    """Les lauréats publiés tels que les rend `/api/v1/laureats` (anonyme, dans son ordre) et toutes les communes
    telles que les rend `/api/v1/communes/{code}`, aplatis en colonnes ; FTS5 sur les noms de communes."""
    from django.test import Client

    from pvd.api.schemas import LIMITE_MAX
    from pvd.api.schemas.territoires import CommuneDetail
    from pvd.territoires.models import Commune

    client = Client(headers=HTTPS)
    laureats, decalage = [], 0
    while True:
        page = client.get(f"/api/v1/laureats?limit={LIMITE_MAX}&offset={decalage}").json()
        laureats += page["resultats"]
        decalage += LIMITE_MAX
        if decalage >= page["total"]:
            break
    chemin.unlink(missing_ok=True)
    base = sqlite3.connect(chemin)
    # Clé primaire `rang` : l'ordre de l'API (nom de commune), que Datasette suit en triant par clé primaire.
    base.execute(
        """create table laureats (
            rang integer primary key, id integer unique, programme text, commune_insee text, commune_nom text,
            commune_departement text, epci_siren text, epci_nom text, departement_suivi text, date_selection text,
            precision_selection text, identifiant_national text, source text, date_sortie text, jalons text)"""
    )
    base.executemany(
        f"insert into laureats values ({', '.join('?' * 15)})",
        [
            (
                rang,
                r["id"],
                r["programme"],
                r["commune"]["insee"],
                r["commune"]["nom"],
                r["commune"]["departement"],
                (r["epci"] or {}).get("siren"),
                (r["epci"] or {}).get("nom"),
                r["departement_suivi"],
                r["date_selection"],
                r["precision_selection"],
                r["identifiant_national"],
                r["source"],
                r["date_sortie"],
                json.dumps(r["jalons"], ensure_ascii=False),
            )
            for rang, r in enumerate(laureats, 1)
        ],
    )
    base.execute("create index laureats_departement_suivi on laureats (departement_suivi)")
    base.execute(
        """create table communes (
            code text primary key, nom text, type_liaison integer, departement_code text, departement_nom text,
            region_code text, region_nom text, epci_siren text, epci_nom text, population integer, siren text,
            codes_postaux text, latitude real, longitude real, obsolete integer, remplacee_par text,
            anciens_noms text, alias text)"""
    )
    lignes = []
    for commune in (
        Commune.objects.select_related("departement", "region", "epci", "remplacee_par")
        .prefetch_related("noms_historiques", "alias")
        .order_by("code")
        .iterator(chunk_size=2000)
    ):
        d = CommuneDetail.model_validate(commune).model_dump(mode="json")
        lignes.append(
            (
                d["code"],
                d["nom"],
                d["type_liaison"],
                d["departement"]["code"],
                d["departement"]["nom"],
                d["region"]["code"],
                d["region"]["nom"],
                (d["epci"] or {}).get("siren"),
                (d["epci"] or {}).get("nom"),
                d["population"],
                d["siren"],
                json.dumps(d["codes_postaux"]),
                d["latitude"],
                d["longitude"],
                int(d["obsolete"]),
                d["remplacee_par"],
                json.dumps(d["anciens_noms"], ensure_ascii=False),
                json.dumps(d["alias"], ensure_ascii=False),
            )
        )
    base.executemany(f"insert into communes values ({', '.join('?' * 18)})", lignes)
    # La forme que Datasette reconnaît comme l'index plein texte de `communes` (content="communes").
    base.execute(
        'create virtual table communes_fts using fts5(nom, content="communes", '
        'tokenize="unicode61 remove_diacritics 2")'
    )
    base.execute("insert into communes_fts (rowid, nom) select rowid, nom from communes")
    base.commit()
    base.execute("vacuum")
    base.close()
    return {"laureats": len(laureats), "communes": len(lignes)}


# Locust ------------------------------------------------------------------------------------------------------------


def locust(classes: list[str], utilisateurs: int, duree: int, prefixe: str, env: dict) -> dict[str, dict]:
    """Lance locust (sans interface) et rend ses statistiques par nom de requête (fichier CSV de locust)."""
    commande = [
        str(VENV_BENCH / "bin" / "locust"),
        "-f",
        str(BENCH / "charge_locust.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(utilisateurs),
        "--spawn-rate",
        str(max(1, utilisateurs // 5)),
        "--run-time",
        f"{duree}s",
        "--csv",
        str(DOSSIER / prefixe),
        "--loglevel",
        "ERROR",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    resultat = subprocess.run(commande, env=env, capture_output=True, text=True, cwd=RACINE)
    fichier = DOSSIER / f"{prefixe}_stats.csv"
    if resultat.returncode != 0 or not fichier.exists():
        raise SystemExit(f"locust a échoué ({resultat.returncode}) :\n{resultat.stderr[-3000:]}")
    stats = {}
    with fichier.open(newline="") as f:
        for ligne in csv.DictReader(f):
            stats[ligne["Name"]] = ligne
    erreurs = []
    chemin_erreurs = DOSSIER / f"{prefixe}_failures.csv"
    if chemin_erreurs.exists():
        with chemin_erreurs.open(newline="") as f:
            erreurs = list(csv.DictReader(f))
    stats["__erreurs__"] = erreurs
    return stats


def ms(valeur: str) -> str:
    return "—" if valeur in ("", "N/A", None) else f"{float(valeur):.0f}"


def afficher_charge(stats: dict, duree: int) -> int:
    print(
        f"\n{'page (nom de requête)':58}{'requêtes':>9}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'erreurs':>9}"
    )
    print("-" * 105)
    erreurs = 0
    for nom, ligne in sorted((n, v) for n, v in stats.items() if n not in ("Aggregated", "__erreurs__")):
        erreurs += int(ligne["Failure Count"])
        print(
            f"{nom[:57]:58}{ligne['Request Count']:>9}{float(ligne['Requests/s']):>8.1f}"
            f"{ms(ligne['50%']):>7}{ms(ligne['95%']):>7}{ms(ligne['99%']):>7}{ligne['Failure Count']:>9}"
        )
    total = stats.get("Aggregated")
    if total:
        print("-" * 105)
        print(
            f"{'Total':58}{total['Request Count']:>9}{float(total['Requests/s']):>8.1f}"
            f"{ms(total['50%']):>7}{ms(total['95%']):>7}{ms(total['99%']):>7}{total['Failure Count']:>9}"
        )
    print("(durées en millisecondes, vues du client locust)")
    for erreur in stats["__erreurs__"][:10]:
        print(
            f"  erreur : {erreur['Method']} {erreur['Name']} × {erreur['Occurrences']} : {erreur['Error'][:150]}"
        )
    return erreurs


COUPLES = [
    ("liste", "Liste JSON (département, 100 par page)", 1.3),
    ("detail", "Détail d'une commune", 0.7),
    ("recherche", "Recherche d'un nom (résolution / FTS)", None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description="Charge de PVD sous locust, avec Datasette en référence.")
    parser.add_argument("--duree", type=int, default=120, help="secondes de charge mêlée (défaut 120)")
    parser.add_argument("--utilisateurs", type=int, default=50, help="utilisateurs simulés (défaut 50)")
    parser.add_argument("--tour", type=int, default=15, help="secondes par tour de comparaison (défaut 15)")
    parser.add_argument("--tours", type=int, default=2, help="tours alternés par couple (défaut 2)")
    parser.add_argument("--clients", type=int, default=8, help="clients sans pause pendant la comparaison")
    parser.add_argument("--workers", type=int, default=2, help="processus de gunicorn (défaut 2)")
    parser.add_argument("--reconstruire", action="store_true", help="refaire la base de mesure")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if not (VENV_BENCH / "bin" / "locust").exists():
        raise SystemExit(f"locust introuvable dans {VENV_BENCH} : lancez `make install-bench`.")
    atexit.register(arreter_serveurs)
    signal.signal(signal.SIGTERM, _sur_signal)
    signal.signal(signal.SIGINT, _sur_signal)

    config = preparer_donnees(args.reconstruire)
    from _commun import machine

    debut = time.perf_counter()
    chemin_sqlite = DOSSIER / "bench.db"
    comptes = exporter_sqlite(chemin_sqlite)
    print(f"Export SQLite pour Datasette en {time.perf_counter() - debut:.1f} s : {comptes}")

    port_pvd, port_datasette = port_libre(), port_libre()
    env_pvd = os.environ | {
        "PVD_BIND": f"127.0.0.1:{port_pvd}",
        "PVD_WORKERS": str(args.workers),
        "PVD_THREADS": "1",
        "PVD_MAX_REQUESTS": "1000000",  # pas de renouvellement des workers pendant la mesure
        "PVD_SSL_REDIRECT": "false",
    }
    journal_pvd = DOSSIER / "gunicorn.log"
    pvd = lancer([str(RACINE / ".venv" / "bin" / "pvd"), "serve"], env_pvd, journal_pvd)
    journal_ds = DOSSIER / "datasette.log"
    datasette = lancer(
        [
            str(VENV_BENCH / "bin" / "datasette"),
            "serve",
            "-i",
            str(chemin_sqlite),
            "--host",
            "127.0.0.1",
            "--port",
            str(port_datasette),
            "--setting",
            "suggest_facets",
            "off",
            "--setting",
            "max_returned_rows",
            "1000",
        ],
        os.environ.copy(),
        journal_ds,
    )
    hote_pvd, hote_ds = f"http://127.0.0.1:{port_pvd}", f"http://127.0.0.1:{port_datasette}"
    attendre(f"{hote_pvd}/sante/", pvd, journal_pvd)
    attendre(f"{hote_ds}/-/versions.json", datasette, journal_ds)
    config |= {"pvd": hote_pvd, "datasette": hote_ds, "base_datasette": "bench"}
    chemin_config = DOSSIER / "config.json"
    chemin_config.write_text(json.dumps(config))
    env_locust = {k: v for k, v in os.environ.items() if not k.startswith(("PVD_", "DJANGO_", "DATABASE_"))}
    env_locust["PVD_CHARGE_CONFIG"] = str(chemin_config)

    # Échauffement : chaque worker construit l'index du résolveur à sa première recherche.
    for _ in range(4 * args.workers):
        urllib.request.urlopen(urllib.request.Request(f"{hote_pvd}/api/v1/resolve?nom=cahors", headers=HTTPS))

    print()
    print(machine())
    charge = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Charge moyenne de la machine avant la mesure (1, 5, 15 min) : {charge} (au-delà de 0,5 : provisoire)."
    )
    print(
        f"Réglages : PVD = `pvd serve` (gunicorn {args.workers} workers synchrones × 1 fil, PostgreSQL, "
        f"PVD_ENV=production, connexions persistantes) ; Datasette 0.65.5 = 1 processus asynchrone (fichier immuable "
        f"-i, 3 fils SQL, sans suggestion de facettes) ; locust 2.47.0 sur la même machine."
    )

    print(
        f"\n== Charge mêlée : {args.utilisateurs} utilisateurs pendant {args.duree} s (visiteurs publics 5, "
        "agents de préfecture 2, chefs de projet 1, lecteurs de l'API 2, lecteurs de Datasette 2 : poids) =="
    )
    import psycopg

    pg = psycopg.connect(URL_BASE, autocommit=True)
    cpu0 = (cpu_arbre(pvd.pid), cpu_postgres(pg, URL_BASE.rsplit("/", 1)[1]), cpu_arbre(datasette.pid))
    stats = locust(
        ["VisiteurPublic", "AgentPrefecture", "ChefDeProjet", "LecteurApi", "LecteurDatasette"],
        args.utilisateurs,
        args.duree,
        "melee",
        env_locust,
    )
    cpu1 = (cpu_arbre(pvd.pid), cpu_postgres(pg, URL_BASE.rsplit("/", 1)[1]), cpu_arbre(datasette.pid))
    erreurs = afficher_charge(stats, args.duree)
    print(
        f"Processeur consommé : gunicorn {cpu1[0] - cpu0[0]:.1f} s, PostgreSQL (ses connexions) "
        f"{cpu1[1] - cpu0[1]:.1f} s, Datasette {cpu1[2] - cpu0[2]:.1f} s, sur {args.duree} s × {os.cpu_count()} cœurs."
    )
    print(f"Erreurs : {erreurs} (cible : 0)")

    print(
        f"\n== PVD et Datasette côte à côte : {args.tours} tour(s) alternés de {args.tour} s par serveur et par "
        f"couple, {args.clients} clients sans pause =="
    )
    print(
        "Méthode : mêmes requêtes (mêmes départements, communes et noms tirés au hasard), un seul serveur chargé à la\n"
        "fois ; « req/s CPU » = requêtes servies par seconde de processeur consommée par le serveur (gunicorn et\n"
        "ses connexions PostgreSQL ; Datasette et ses fils SQL) : le coût d'une requête, à nombre de cœurs égal,\n"
        "indépendant de la charge des autres programmes. Le rapport se lit sur cette colonne ; « req/s » est le débit\n"
        "brut (gunicorn occupe 2 cœurs, Datasette un seul, et locust partage la machine)."
    )
    mesures: dict[tuple[str, str], list] = {}

    def cpu_serveur(serveur: str) -> tuple[float, float]:
        """(processus du serveur, connexions PostgreSQL) : secondes de processeur cumulées."""
        if serveur == "pvd":
            return cpu_arbre(pvd.pid), cpu_postgres(pg, URL_BASE.rsplit("/", 1)[1])
        return cpu_arbre(datasette.pid), 0.0

    for tour in range(args.tours):
        ordre = ("pvd", "datasette") if tour % 2 == 0 else ("datasette", "pvd")
        for couple, _, _ in COUPLES:
            for serveur in ordre:
                env_tour = env_locust | {"PVD_CHARGE_CIBLE": couple}
                avant = cpu_serveur(serveur)
                s = locust(
                    ["ComparaisonPvd" if serveur == "pvd" else "ComparaisonDatasette"],
                    args.clients,
                    args.tour,
                    f"comparaison-{tour}-{couple}-{serveur}",
                    env_tour,
                )
                apres = cpu_serveur(serveur)
                total = s["Aggregated"]
                m = mesures.setdefault((couple, serveur), [0, 0, 0.0, 0.0, [], [], 0.0])
                m[0] += int(total["Request Count"])
                m[1] += int(total["Failure Count"])
                m[2] += float(total["Requests/s"])
                m[3] += sum(apres) - sum(avant)
                m[6] += apres[1] - avant[1]
                m[4].append(float(total["50%"]))
                m[5].append(float(total["95%"]))
    print(
        f"\n{'couple':40}{'serveur':>11}{'req/s':>8}{'req/s CPU':>11}{'ms CPU':>8}{'dont PG':>8}"
        f"{'p50':>6}{'p95':>6}{'erreurs':>9}{'rapport':>9}{'cible':>8}"
    )
    print("-" * 124)
    for couple, libelle, cible in COUPLES:
        par_cpu = {}
        for serveur in ("pvd", "datasette"):
            requetes, echecs, debit, cpu, p50, p95, cpu_pg = mesures[(couple, serveur)]
            par_cpu[serveur] = requetes / cpu if cpu > 0 else 0.0
            ms_cpu = 1000 * cpu / requetes if requetes else 0.0
            ms_pg = f"{1000 * cpu_pg / requetes:.1f}" if requetes and serveur == "pvd" else ""
            erreurs += echecs
            rapport = ""
            if serveur == "datasette" and par_cpu["datasette"]:
                r = par_cpu["pvd"] / par_cpu["datasette"]
                rapport = f"{r:.2f}×"
                cible_txt = f"≥{cible:.1f}×" if cible else "—"
                atteinte = "" if cible is None else (" ✓" if r >= cible else " ✗")
            print(
                f"{(libelle if serveur == 'pvd' else '')[:39]:40}{'PVD' if serveur == 'pvd' else 'Datasette':>11}"
                f"{debit / args.tours:>8.1f}{par_cpu[serveur]:>11.1f}{ms_cpu:>8.1f}{ms_pg:>8}"
                f"{max(p50):>6.0f}{max(p95):>6.0f}{echecs:>9}"
                f"{rapport:>9}{(cible_txt + atteinte) if rapport else '':>8}"
            )
    print(
        "(ms CPU : millisecondes de processeur du serveur par requête, « dont PG » : celles de PostgreSQL ;\n"
        "p50, p95 : le plus haut des tours, en millisecondes vues du client ;\n"
        "rapport = req/s CPU de PVD / req/s CPU de Datasette)"
    )
    pg.close()
    print(f"\nErreurs au total : {erreurs} (cible : 0). Journaux des serveurs : {DOSSIER}")


if __name__ == "__main__":
    try:
        main()
    finally:
        arreter_serveurs()
        (DOSSIER / "bench.db").unlink(
            missing_ok=True
        )  # l'export se refait à chaque lancement ; les journaux restent
