from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pvd.accounts import services
from pvd.accounts.models import Profil


class Command(BaseCommand):
    help = "Comptes : create, list, disable, token."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        creer = actions.add_parser("create", help="crée un compte avec son rôle et son périmètre")
        creer.add_argument("--email", required=True)
        creer.add_argument("--role", required=True, choices=Profil.Role.values)
        creer.add_argument("--departement", action="append", default=[], help="code (répétable)")
        creer.add_argument("--epci", action="append", default=[], help="SIREN (répétable)")
        creer.add_argument("--commune", action="append", default=[], help="code INSEE (répétable)")
        creer.add_argument("--organisme", default="")
        actions.add_parser("list", help="liste les comptes")
        desactiver = actions.add_parser("disable", help="désactive un compte et révoque ses jetons")
        desactiver.add_argument("--email", required=True)
        jeton = actions.add_parser("token", help="crée un jeton d'API personnel (affiché une seule fois)")
        jeton.add_argument("--email", required=True)
        jeton.add_argument("--nom", default="")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur

    def _create(self, email, role, departement, epci, commune, organisme, **_):
        utilisateur = services.utilisateur_creer(
            email=email,
            role=role,
            departements=departement,
            epcis=epci,
            communes=commune,
            organisme=organisme,
        )
        self.stdout.write(
            f"Compte créé : {utilisateur.username} ({dict(Profil.Role.choices)[role]}). Il se connecte par "
            "ProConnect, ou après `pvd changepassword` pour un mot de passe local."
        )

    def _list(self, **_):
        comptes = (
            get_user_model()
            .objects.select_related("profil")
            .prefetch_related("profil__departements", "profil__epcis", "profil__communes")
        )
        for u in comptes.order_by("username"):
            profil = getattr(u, "profil", None)
            role = (
                profil.get_role_display()
                if profil
                else ("superutilisateur" if u.is_superuser else "sans rôle")
            )
            perimetre = ""
            if profil:
                morceaux = [d.code for d in profil.departements.all()] + [e.siren for e in profil.epcis.all()]
                morceaux += [c.code for c in profil.communes.all()]
                perimetre = ", ".join(morceaux)
            etat = "actif" if u.is_active else "désactivé"
            self.stdout.write(f"{u.username}\t{role}\t{perimetre or '—'}\t{etat}")

    def _disable(self, email, **_):
        revoques = services.utilisateur_desactiver(email=email)
        self.stdout.write(f"Compte {email} désactivé ; {revoques} jeton(s) révoqué(s).")

    def _token(self, email, nom, **_):
        utilisateur = get_user_model().objects.filter(username=email.strip().lower()).first()
        if utilisateur is None:
            raise CommandError(f"Aucun compte pour {email}.")
        secret = services.jeton_creer(utilisateur=utilisateur, nom=nom)
        self.stdout.write(
            f"Jeton créé pour {utilisateur.username} (il ne sera plus affiché) :\n{secret}\n"
            "À envoyer dans l'en-tête : Authorization: Bearer <jeton>"
        )
