import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pvd.accounts.services import compte_demo_creer
from pvd.config import environnement
from pvd.programmes.demo import charger_exemple_lot
from pvd.territoires.importation import referentiel_importer
from pvd.territoires.rapport import resume_import

COMPTE_DEMO = "demo"


class Command(BaseCommand):
    help = "Prépare la démonstration (base, référentiel, exemple du Lot) puis sert le site sur http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="tout préparer sans servir le site")
        parser.add_argument("--adresse", default="127.0.0.1:8000", help="adresse et port du serveur")

    def handle(self, *args, no_serve, adresse, **options):
        self.stdout.write(f"Données de démonstration dans {settings.DATA_DIR}")
        fichier = settings.DATA_DIR / environnement.NOM_FICHIER
        if environnement.ecrire_mode_demo(fichier):
            self.stdout.write(
                f"Mode démonstration retenu dans {fichier} : les commandes `pvd` lancées ensuite servent cette base."
            )
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Référentiel territorial (COG 2026 et historique 2021)…")
        debut = time.monotonic()
        comptes = referentiel_importer()
        self.stdout.write(resume_import(comptes, time.monotonic() - debut).splitlines()[-1])
        charges = charger_exemple_lot()
        if charges["laureats"]:
            self.stdout.write(
                f"Exemple du Lot chargé : {charges['laureats']} communes lauréates, {charges['conventions']} conventions."
            )
        else:
            self.stdout.write("Exemple du Lot déjà chargé.")
        self._compte_demo()
        if no_serve:
            self.stdout.write("Démonstration prête (site non servi : --no-serve).")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Site de démonstration : http://{adresse}/ (Ctrl-C pour arrêter)")
        )
        call_command("serveur", adresse, use_reloader=False)

    def _compte_demo(self) -> None:
        """Un compte d'administration nationale pour essayer les formulaires ; mot de passe montré une seule fois."""
        modele = get_user_model()
        if modele.objects.filter(username=COMPTE_DEMO).exists():
            self.stdout.write(
                f"Compte de démonstration : {COMPTE_DEMO} (mot de passe affiché au premier lancement ; "
                f"`pvd changepassword {COMPTE_DEMO}` pour en choisir un autre)."
            )
            return
        mot_de_passe = secrets.token_urlsafe(12)
        compte_demo_creer(identifiant=COMPTE_DEMO, mot_de_passe=mot_de_passe)
        self.stdout.write(f"Compte de démonstration créé : {COMPTE_DEMO} / {mot_de_passe}")
