from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pvd.programmes import services
from pvd.programmes.controles import texte_identifiant_conteste
from pvd.programmes.models import Evenement, Laureat
from pvd.programmes.selectors import programme_par_slug
from pvd.programmes.sources import identifiants_contestes
from pvd.territoires.rapport import accorder


class Command(BaseCommand):
    help = (
        "Identifiants nationaux contestés (partagés par plusieurs communes) : contestes, attribuer, ecarter."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="pvd")
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        lister = actions.add_parser(
            "contestes", help="liste les identifiants contestés et les communes qui les portent"
        )
        lister.add_argument("--departement", default="", help="code du département de suivi")
        attribuer = actions.add_parser(
            "attribuer", help="donne à la commune son identifiant (le contesté est levé)"
        )
        attribuer.add_argument("--commune", required=True, help="code INSEE de la commune lauréate")
        attribuer.add_argument(
            "--identifiant", required=True, help="l'identifiant juste, par exemple pvd-44-52-1"
        )
        ecarter = actions.add_parser("ecarter", help="l'identifiant contesté n'est pas celui de la commune")
        ecarter.add_argument("--commune", required=True, help="code INSEE de la commune lauréate")

    def handle(self, *args, programme, action, **options):
        self.programme = programme_par_slug(programme)
        if self.programme is None:
            raise CommandError(f"Programme inconnu : « {programme} ».")
        getattr(self, f"_{action}")(**options)

    def _contestes(self, departement, **_):
        groupes = identifiants_contestes(self.programme, departement.upper())
        for identifiant, porteurs in groupes.items():
            self.stdout.write(f"- {texte_identifiant_conteste(identifiant, porteurs)}")
        self.stdout.write(f"{accorder(len(groupes), 'identifiant contesté', 'identifiants contestés')}.")

    def _laureat(self, commune: str) -> Laureat:
        laureat = Laureat.objects.filter(programme=self.programme, commune_id=commune).first()
        if laureat is None:
            raise CommandError(f"La commune {commune} n'est pas lauréate de {self.programme.nom}.")
        return laureat

    def _trancher(self, commune: str, identifiant: str | None) -> Laureat:
        try:
            return services.laureat_identifiant_trancher(
                laureat=self._laureat(commune),
                identifiant=identifiant,
                trace=services.Trace(canal=Evenement.Canal.CLI),
            )
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur

    def _attribuer(self, commune, identifiant, **_):
        laureat = self._trancher(commune, identifiant)
        self.stdout.write(
            f"{laureat.commune.nom} ({commune}) : identifiant national « {laureat.identifiant_national} »."
        )

    def _ecarter(self, commune, **_):
        laureat = self._trancher(commune, None)
        garde = f"« {laureat.identifiant_national} »" if laureat.identifiant_national else "aucun identifiant"
        self.stdout.write(
            f"{laureat.commune.nom} ({commune}) : identifiant contesté écarté ; elle garde {garde}."
        )
