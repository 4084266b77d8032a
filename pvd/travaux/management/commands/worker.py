from django.core.management.base import BaseCommand

from pvd.travaux.travailleur import travailleur


class Command(BaseCommand):
    help = (
        "Exécute les travaux longs (imports volumineux, exports nationaux, lots de documents) mis en file par le "
        "site ; déclare échoués ceux qu'un processus arrêté net a laissés en cours."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--intervalle", type=float, default=1.0, help="secondes entre deux regards sur la file"
        )
        parser.add_argument(
            "--batch", action="store_true", help="exécute les travaux en attente puis s'arrête"
        )
        parser.add_argument(
            "--suivre-le-parent", action="store_true", help="s'arrête avec le processus parent"
        )

    def handle(self, *args, intervalle, batch, suivre_le_parent, **options):
        processus = travailleur(intervalle=intervalle, batch=batch, suivre_le_parent=suivre_le_parent)
        self.stdout.write(
            "Processus de travaux prêt : il exécute les travaux longs mis en file (Ctrl-C pour arrêter)."
        )
        self.stdout.flush()
        processus.configure_signals()
        processus.run()
