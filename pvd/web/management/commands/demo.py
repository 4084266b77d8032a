import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pvd.accounts.services import compte_demo_creer, compte_demo_remettre
from pvd.config import environnement
from pvd.imports.embarquees import liste_nationale_charger
from pvd.programmes import services
from pvd.programmes.demo import charger_exemple_lot
from pvd.programmes.models import Evenement, Laureat
from pvd.programmes.sources import nombre_contestes
from pvd.territoires.importation import referentiel_importer
from pvd.territoires.rapport import accorder, resume_import
from pvd.travaux.travailleur import processus_a_cote, processus_arreter
from pvd.web.statiques import statiques_collecter

COMPTE_DEMO = "demo"
TRACE_DEMO = services.Trace(canal=Evenement.Canal.DEMO)


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
        if statiques_collecter():
            self.stdout.write("Fichiers statiques collectés (ils le seront de nouveau s'ils changent).")
        self.stdout.write("Référentiel territorial (COG 2026 et historique 2021)…")
        debut = time.monotonic()
        comptes = referentiel_importer()
        self.stdout.write(resume_import(comptes, time.monotonic() - debut).splitlines()[-1])
        self._liste_nationale()
        charges = charger_exemple_lot()
        if charges["conventions"]:
            self.stdout.write(
                "Faits du Lot (communiqué du préfet du 27 juillet 2021 et suivi des ORT) : "
                f"{accorder(charges['laureats'], 'nouvelle lauréate', 'nouvelles lauréates')}, "
                f"{accorder(charges['sources'], 'source notée', 'sources notées')}, "
                f"{accorder(charges['conventions'], 'convention')}."
            )
        else:
            self.stdout.write("Faits du Lot déjà chargés.")
        self.stdout.write(f"Données chargées en {time.monotonic() - debut:.1f} s.")
        self._compte_demo()
        if no_serve:
            self.stdout.write("Démonstration prête (site non servi : --no-serve).")
            return
        self.stdout.write(
            self.style.SUCCESS(f"Site de démonstration : http://{adresse}/ (Ctrl-C pour arrêter)")
        )
        # Les travaux longs (gros imports, exports nationaux, lots d'annexes) : `pvd worker`, arrêté avec le site.
        travaux = processus_a_cote()
        try:
            call_command("serveur", adresse, use_reloader=False)
        finally:
            processus_arreter(travaux)

    def _liste_nationale(self) -> None:
        """La liste nationale du 22 janvier 2021, par le pipeline d'import ; publiée, comme l'ANCT l'a publiée."""
        plan = liste_nationale_charger(trace=TRACE_DEMO)
        c = plan.comptes()
        self.stdout.write(
            f"Liste nationale des lauréats (ANCT, 22 janvier 2021) : {c['creation']} créé, {c['modification']} "
            f"modifié, {c['inchange']} inchangé ; {len(plan.refusees)} ligne refusée "
            f"({'; '.join(f'ligne {ligne.numero} : {ligne.messages[0]}' for ligne in plan.refusees)}) ; "
            f"{nombre_contestes(plan.programme)} lauréates avec un identifiant contesté (pvd identifiants contestes)."
        )
        publiees = services.publication_definir(
            objets=list(
                Laureat.objects.filter(
                    programme__slug="pvd", publie=False, sources__document__empreinte=plan.empreinte
                )
                .select_related("commune")
                .distinct()
            ),
            publie=True,
            trace=TRACE_DEMO,
        )
        if publiees:
            self.stdout.write(f"{publiees} lauréates de la liste nationale publiées.")

    def _compte_demo(self) -> None:
        """Un compte d'administrateur national (équipe nationale, et l'administration `/admin/`, comme tout
        administrateur national) pour essayer les formulaires ; mot de passe montré une seule fois. Un compte créé par
        une version précédente, qui n'ouvrait pas l'administration, est remis à ce rôle."""
        modele = get_user_model()
        existant = modele.objects.filter(username=COMPTE_DEMO).first()
        if existant is not None:
            compte_demo_remettre(utilisateur=existant)
            self.stdout.write(
                f"Compte de démonstration : {COMPTE_DEMO} (mot de passe affiché au premier lancement ; "
                f"`pvd changepassword {COMPTE_DEMO}` pour en choisir un autre)."
            )
            return
        mot_de_passe = secrets.token_urlsafe(12)
        compte_demo_creer(identifiant=COMPTE_DEMO, mot_de_passe=mot_de_passe)
        self.stdout.write(f"Compte de démonstration créé : {COMPTE_DEMO} / {mot_de_passe}")
