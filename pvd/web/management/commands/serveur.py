import errno
import os
from datetime import datetime

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.servers.basehttp import run
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import autoreload
from django.utils.formats import date_format

ERREURS_RESEAU = {
    errno.EACCES: "vous n'avez pas le droit d'ouvrir ce port : choisissez un port au-dessus de 1024",
    errno.EADDRINUSE: "ce port est déjà utilisé (un autre `pvd runserver` ou `pvd demo` tourne-t-il ?) : "
    "arrêtez-le ou choisissez un autre port, par exemple `pvd runserver 127.0.0.1:8001`",
    errno.EADDRNOTAVAIL: "cette adresse IP n'est pas celle de cette machine : essayez 127.0.0.1",
}


class Command(RunserverCommand):
    """`pvd runserver` : le serveur de développement de Django, qui s'annonce et échoue en français."""

    help = "Sert le site pour le développement ou la démonstration (jamais en production)."

    def inner_run(self, *args, **options):
        autoreload.raise_last_exception()
        if not options["skip_checks"]:
            self.check()  # n'écrit rien s'il n'y a rien à dire
        self.check_migrations()
        for connexion in connections.all(initialized_only=True):
            connexion.close()
        try:
            run(
                self.addr,
                int(self.port),
                self.get_handler(*args, **options),
                ipv6=self.use_ipv6,
                threading=options["use_threading"],
                on_bind=self.on_bind,
                server_cls=self.server_cls,
            )
        except OSError as erreur:
            raison = ERREURS_RESEAU.get(erreur.errno, f"erreur système n° {erreur.errno}")
            self.stderr.write(
                f"Erreur : impossible de servir le site sur {self.addr}:{self.port} : {raison}."
            )
            os._exit(1)  # sys.exit ne suffit pas dans le fil du rechargement automatique
        except KeyboardInterrupt:
            raise SystemExit(0) from None

    def check_migrations(self):
        from django.db.migrations.executor import MigrationExecutor

        executeur = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executeur.migration_plan(executeur.loader.graph.leaf_nodes())
        if plan:
            applis = ", ".join(sorted({migration.app_label for migration, _ in plan}))
            self.stdout.write(
                self.style.NOTICE(
                    f"La base n'est pas à jour : {len(plan)} migration(s) à appliquer ({applis}). "
                    "Lancez `pvd migrate`, sans quoi des pages échoueront."
                )
            )

    def on_bind(self, server_port):
        adresse = f"[{self.addr}]" if self._raw_ipv6 else ("0.0.0.0" if self.addr == "0" else self.addr)
        maintenant = date_format(datetime.now(), "j F Y à H:i:s")
        self.stdout.write(
            f"{maintenant} — site servi sur {self.protocol}://{adresse}:{server_port}/ (Ctrl-C pour arrêter).\n"
            "Serveur de développement : pour la production, servez pvd.config.wsgi:application "
            "avec un serveur WSGI (voir « Configuration » dans le README)."
        )
