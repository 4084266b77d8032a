"""Les données de départ du plan d'action, que l'équipe nationale édite ensuite dans l'administration : les cinq axes
de l'ORT (article L303-2 du code de la construction et de l'habitation), le thème que Petites villes de demain
ajoute, les financeurs nationaux et leurs dispositifs. Aucun SIREN n'est écrit ici : il se complète depuis le
registre officiel, jamais de mémoire."""

from django.db import migrations

AXES_ORT = [
    ("habitat", "Habitat"),
    ("developpement-economique-commercial", "Développement économique et commercial"),
    ("accessibilite-mobilites", "Accessibilité, mobilités et connexions"),
    ("formes-urbaines-patrimoine", "Formes urbaines, espace public et patrimoine"),
    ("equipements-services-publics", "Équipements et services publics"),
]
THEMES_PVD = [("transition-ecologique", "Transition écologique")]
ORGANISATIONS = [
    ("État", "etat"),
    ("Banque des Territoires", "operateur"),
    ("Agence nationale de l'habitat (Anah)", "operateur"),
    ("Ademe", "operateur"),
    ("Union européenne", "europe"),
]
DISPOSITIFS = [
    # code, nom, financeur, décidé par la préfecture, prêt
    ("detr", "Dotation d'équipement des territoires ruraux (DETR)", "État", True, False),
    ("dsil", "Dotation de soutien à l'investissement local (DSIL)", "État", True, False),
    ("fnadt", "Fonds national d'aménagement et de développement du territoire (FNADT)", "État", True, False),
    ("fonds-vert", "Fonds vert (fonds d'accélération de la transition écologique)", "État", True, False),
    ("fonds-friches", "Fonds friches (recyclage foncier)", "État", True, False),
    ("bdt-pret", "Banque des Territoires — prêt", "Banque des Territoires", False, True),
    ("bdt-ingenierie", "Banque des Territoires — ingénierie", "Banque des Territoires", False, False),
    ("anah-opah-ru", "Anah — OPAH-RU", "Agence nationale de l'habitat (Anah)", False, False),
    ("feder", "Fonds européen de développement régional (FEDER)", "Union européenne", False, False),
    ("leader", "Programme européen LEADER", "Union européenne", False, False),
    ("subvention", "Subvention (autre)", None, False, False),
    ("autofinancement", "Autofinancement", None, False, False),
]


def semer(apps, schema_editor):
    Axe = apps.get_model("actions", "Axe")
    Programme = apps.get_model("programmes", "Programme")
    Organisation = apps.get_model("actions", "Organisation")
    Dispositif = apps.get_model("actions", "Dispositif")
    for ordre, (code, nom) in enumerate(AXES_ORT, start=1):
        Axe.objects.get_or_create(programme=None, code=code, defaults={"nom": nom, "ordre": ordre})
    pvd = Programme.objects.filter(slug="pvd").first()
    if pvd is not None:
        for ordre, (code, nom) in enumerate(THEMES_PVD, start=len(AXES_ORT) + 1):
            Axe.objects.get_or_create(programme=pvd, code=code, defaults={"nom": nom, "ordre": ordre})
    organisations = {}
    for nom, nature in ORGANISATIONS:
        organisations[nom], _ = Organisation.objects.get_or_create(
            nom=nom, siren="", defaults={"nature": nature}
        )
    for ordre, (code, nom, financeur, prefecture, pret) in enumerate(DISPOSITIFS, start=1):
        Dispositif.objects.get_or_create(
            code=code,
            defaults={
                "nom": nom,
                "financeur": organisations.get(financeur),
                "decision_prefecture": prefecture,
                "pret": pret,
                "ordre": ordre,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_plan_d_action_et_financements"), ("programmes", "0005_programme_acv")]
    operations = [migrations.RunPython(semer, migrations.RunPython.noop)]
