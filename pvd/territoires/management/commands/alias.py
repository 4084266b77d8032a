from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pvd.territoires import services
from pvd.territoires.models import Alias


class Command(BaseCommand):
    help = "Noms d'usage des communes et EPCI (« Cauvaldor ») : add, list, remove."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        ajouter = actions.add_parser("add", help="ajoute un nom d'usage")
        ajouter.add_argument("texte", help="le nom d'usage, tel que les gens l'écrivent")
        ajouter.add_argument("--epci", help="SIREN de l'EPCI désigné")
        ajouter.add_argument("--commune", help="code INSEE de la commune désignée")
        ajouter.add_argument("--commentaire", default="")
        actions.add_parser("list", help="liste les noms d'usage")
        retirer = actions.add_parser("remove", help="retire un nom d'usage")
        retirer.add_argument("texte")
        retirer.add_argument("--type", choices=["commune", "epci"], required=True)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, texte, epci, commune, commentaire, **_):
        if bool(epci) == bool(commune):
            raise CommandError("Indiquez soit --epci SIREN, soit --commune CODE_INSEE.")
        try:
            alias = services.alias_create(
                texte=texte, type="epci" if epci else "commune", code=epci or commune, commentaire=commentaire
            )
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        self.stdout.write(f"Alias ajouté : « {alias.texte} » → {alias.cible}.")

    def _list(self, **_):
        alias = Alias.objects.select_related("commune", "epci").order_by("type", "texte")
        for a in alias:
            self.stdout.write(f"{a.get_type_display()}\t{a.texte}\t→ {a.cible} ({a.cible.pk})")
        self.stdout.write(f"{alias.count()} alias.")

    def _remove(self, texte, type, **_):
        if not services.alias_delete(texte=texte, type=type):
            raise CommandError(f"Aucun alias « {texte} » de type {type}.")
        self.stdout.write(f"Alias « {texte} » retiré.")
