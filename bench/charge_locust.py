"""Scénarios locust de `bench/charge.py` (lancés par lui, dans `.venv-bench` ; ne s'importe pas dans l'application).

La configuration (adresses des deux serveurs, sessions et jetons des comptes de mesure, départements, communes,
noms) est lue dans le fichier JSON que désigne PVD_CHARGE_CONFIG. Les requêtes sont groupées par nom (les
identifiants remplacés par [dep], [pk]…) pour que locust donne une ligne par page.
"""

import itertools
import json
import os
import random
from pathlib import Path
from urllib.parse import quote

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(Path(os.environ["PVD_CHARGE_CONFIG"]).read_text())
HTTPS = {"X-Forwarded-Proto": "https"}  # comme derrière le mandataire TLS de production
PAGE = 100  # taille de page des listes, la même des deux côtés
DS = "/" + CONFIG["base_datasette"]


def _dep() -> str:
    return random.choice(CONFIG["departements"])


def _commune() -> str:
    return random.choice(CONFIG["communes"])


def _nom() -> str:
    return random.choice(CONFIG["noms"])


# Requêtes équivalentes des deux serveurs (mêmes filtres, même taille de page) --------------------------------------


def pvd_liste(client) -> None:
    client.get(
        f"/api/v1/laureats?departement={_dep()}&limit={PAGE}", headers=HTTPS, name="API lauréats ?departement"
    )


def pvd_detail(client) -> None:
    client.get(f"/api/v1/communes/{_commune()}", headers=HTTPS, name="API commune [code]")


def pvd_recherche(client) -> None:
    client.get(f"/api/v1/resolve?nom={quote(_nom())}", headers=HTTPS, name="API résolution ?nom")


def ds_liste(client) -> None:
    client.get(
        f"{DS}/laureats.json?departement_suivi={_dep()}&_size={PAGE}&_shape=objects",
        name="Datasette lauréats ?departement_suivi",
    )


def ds_detail(client) -> None:
    client.get(f"{DS}/communes/{_commune()}.json?_shape=objects", name="Datasette commune [code]")


def ds_recherche(client) -> None:
    client.get(
        f"{DS}/communes.json?_search={quote(_nom())}&_size=10&_shape=objects",
        name="Datasette recherche ?_search",
    )


# Utilisateurs de la charge mêlée ------------------------------------------------------------------------------------


class VisiteurPublic(FastHttpUser):
    """Le public : accueil, données publiées, cartes, pages des communes, téléchargements de données ouvertes."""

    host = CONFIG["pvd"]
    weight = 5
    wait_time = between(1, 5)
    default_headers = HTTPS

    @task(3)
    def accueil(self):
        self.client.get("/", name="Accueil")

    @task(3)
    def programme(self):
        self.client.get("/donnees/pvd/", name="Public : programme (carte nationale)")

    @task(4)
    def departement(self):
        self.client.get(f"/donnees/pvd/departements/{_dep()}/", name="Public : département [dep] (carte)")

    @task(3)
    def commune(self):
        self.client.get(f"/communes/{_commune()}/", name="Public : commune [code]")

    @task(2)
    def recherche(self):
        self.client.get(f"/recherche/suggestions/?q={quote(_nom()[:6])}", name="Public : suggestions ?q")

    @task(1)
    def plans(self):
        self.client.get("/donnees/pvd/plans/", name="Public : plans d'action")

    @task(1)
    def laureats_csv(self):
        self.client.get(
            "/donnees/pvd/telechargements/laureats.csv", name="Téléchargement : lauréats.csv (national)"
        )

    @task(1)
    def laureats_csv_dep(self):
        self.client.get(
            f"/donnees/pvd/telechargements/laureats.csv?departement={_dep()}",
            name="Téléchargement : lauréats.csv ?departement",
        )

    @task(1)
    def geojson(self):
        self.client.get("/donnees/pvd/telechargements/geojson.json", name="Téléchargement : geojson.json")


_PREFECTURES = itertools.count()
_CHEFS = itertools.count()


class AgentPrefecture(FastHttpUser):
    """Un agent de préfecture connecté : tableaux de bord, département, conventions et plans d'action."""

    host = CONFIG["pvd"]
    weight = 2
    wait_time = between(2, 6)

    def on_start(self):
        compte = CONFIG["prefectures"][next(_PREFECTURES) % len(CONFIG["prefectures"])]
        self.dep = compte["departement"]
        self.conventions = compte["conventions"]
        self.entetes = HTTPS | {"Cookie": f"sessionid={compte['session']}"}

    def _get(self, url: str, nom: str):
        # Sans suivre les redirections : une session refusée (redirection vers la connexion) est une erreur.
        with self.client.get(
            url, headers=self.entetes, name=nom, allow_redirects=False, catch_response=True
        ) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"{reponse.status_code} (attendu : 200)")

    @task(2)
    def tableau_de_bord(self):
        self._get("/programmes/pvd/", "Préfecture : tableau de bord")

    @task(3)
    def departement(self):
        self._get(f"/programmes/pvd/departements/{self.dep}/", "Préfecture : département [dep]")

    @task(2)
    def plans(self):
        self._get(
            f"/programmes/pvd/departements/{self.dep}/plans/", "Préfecture : plans du département [dep]"
        )

    @task(3)
    def convention(self):
        self._get(f"/conventions/{random.choice(self.conventions)}/", "Préfecture : convention [pk]")

    @task(2)
    def plan_d_action(self):
        self._get(
            f"/conventions/{random.choice(self.conventions)}/plan-d-action/",
            "Préfecture : plan d'action [pk]",
        )


class ChefDeProjet(FastHttpUser):
    """Un chef de projet : lit son plan d'action et modifie sa propre fiche action par l'API (If-Match)."""

    host = CONFIG["pvd"]
    weight = 1
    wait_time = between(3, 8)

    def on_start(self):
        compte = CONFIG["chefs"][next(_CHEFS) % len(CONFIG["chefs"])]
        self.fiche, self.convention = compte["fiche"], compte["convention"]
        self.page = HTTPS | {"Cookie": f"sessionid={compte['session']}"}
        self.api = HTTPS | {"Authorization": f"Bearer {compte['jeton']}"}
        self.revision = 0

    @task(2)
    def plan_d_action(self):
        self.client.get(
            f"/conventions/{self.convention}/plan-d-action/",
            headers=self.page,
            name="Chef : plan d'action [pk]",
        )

    @task(2)
    def fiche_page(self):
        self.client.get(f"/fiches-actions/{self.fiche}/", headers=self.page, name="Chef : fiche action [pk]")

    @task(3)
    def modifier(self):
        lue = self.client.get(f"/api/v1/fiches-actions/{self.fiche}", headers=self.api, name="API fiche [pk]")
        etag = lue.headers.get("ETag") if lue.status_code == 200 else None
        if not etag:
            return
        self.revision += 1
        corps = json.dumps({"description": f"Révision {self.revision} (mesure de charge)."})
        with self.client.request(
            "PATCH",
            f"/api/v1/fiches-actions/{self.fiche}",
            data=corps,
            headers=self.api | {"If-Match": etag, "Content-Type": "application/json"},
            name="API fiche [pk] PATCH If-Match",
            catch_response=True,
        ) as reponse:
            if reponse.status_code != 200:
                reponse.failure(f"{reponse.status_code} : {(reponse.text or '')[:200]}")


class LecteurApi(FastHttpUser):
    """Un programme qui lit l'API : listes paginées, détail d'une commune, résolution de noms."""

    host = CONFIG["pvd"]
    weight = 2
    wait_time = between(0.5, 2)

    @task(2)
    def liste(self):
        pvd_liste(self.client)

    @task(1)
    def liste_nationale(self):
        decalage = random.randrange(0, 1600, PAGE)
        self.client.get(
            f"/api/v1/laureats?limit={PAGE}&offset={decalage}", headers=HTTPS, name="API lauréats ?offset"
        )

    @task(3)
    def detail(self):
        pvd_detail(self.client)

    @task(2)
    def recherche(self):
        pvd_recherche(self.client)


class LecteurDatasette(FastHttpUser):
    """Les mêmes lectures, sur Datasette."""

    host = CONFIG["datasette"]
    weight = 2
    wait_time = between(0.5, 2)

    @task(2)
    def liste(self):
        ds_liste(self.client)

    @task(1)
    def liste_nationale(self):
        decalage = random.randrange(0, 1600, PAGE)
        # Datasette pagine par clé (`_next`) ; un décalage s'écrit par un filtre sur la clé primaire (rang).
        self.client.get(
            f"{DS}/laureats.json?rang__gt={decalage}&_size={PAGE}&_shape=objects",
            name="Datasette lauréats ?rang__gt",
        )

    @task(3)
    def detail(self):
        ds_detail(self.client)

    @task(2)
    def recherche(self):
        ds_recherche(self.client)


# Comparaison : une seule sorte de requête, sans pause (PVD_CHARGE_CIBLE : liste, detail ou recherche) ---------------

CIBLE = os.environ.get("PVD_CHARGE_CIBLE", "liste")


class ComparaisonPvd(FastHttpUser):
    host = CONFIG["pvd"]
    weight = 0 if "PVD_CHARGE_CIBLE" not in os.environ else 1
    wait_time = constant(0)

    @task
    def requete(self):
        {"liste": pvd_liste, "detail": pvd_detail, "recherche": pvd_recherche}[CIBLE](self.client)


class ComparaisonDatasette(FastHttpUser):
    host = CONFIG["datasette"]
    weight = 0 if "PVD_CHARGE_CIBLE" not in os.environ else 1
    wait_time = constant(0)

    @task
    def requete(self):
        {"liste": ds_liste, "detail": ds_detail, "recherche": ds_recherche}[CIBLE](self.client)
