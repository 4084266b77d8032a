from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pvd.accounts.journal import securite_purger

DUREE_MINIMALE = 92  # jours : au moins trois mois de journal de sécurité


class Command(BaseCommand):
    help = "Journal de sécurité : `purger --jours N` efface les événements plus anciens (N ≥ 92, défaut 400)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        purger = actions.add_parser("purger", help="efface les événements plus anciens que N jours")
        purger.add_argument("--jours", type=int, default=400)

    def handle(self, *args, action, jours, **options):
        if jours < DUREE_MINIMALE:
            raise CommandError(
                f"Le journal de sécurité se garde au moins {DUREE_MINIMALE} jours (trois mois)."
            )
        limite = timezone.now() - timedelta(days=jours)
        effaces = securite_purger(avant=limite)
        self.stdout.write(f"{effaces} événement(s) de plus de {jours} jours effacé(s).")
