from datetime import date

from django.db import migrations


def creer_acv(apps, schema_editor):
    """Action cœur de ville : un programme frère (234 villes moyennes), mêmes règles que des données."""
    Programme = apps.get_model("programmes", "Programme")
    Phase = apps.get_model("programmes", "Phase")
    acv, _ = Programme.objects.update_or_create(
        slug="acv",
        defaults={
            "nom": "Action cœur de ville",
            "nom_court": "ACV",
            "date_debut": date(2018, 3, 27),
            "population_max": None,
            "presentation": (
                "Le programme Action cœur de ville accompagne les villes moyennes dans la revitalisation de leur "
                "centre-ville : habitat, commerce, mobilités, espaces publics et équipements."
            ),
        },
    )
    Phase.objects.get_or_create(
        programme=acv,
        nom="Programme initial",
        defaults={"date_debut": date(2018, 3, 27), "date_fin": date(2022, 12, 31)},
    )
    Phase.objects.get_or_create(programme=acv, nom="Seconde phase", defaults={"date_debut": date(2023, 1, 1)})


class Migration(migrations.Migration):
    dependencies = [("programmes", "0004_precision_date_prevue")]
    operations = [migrations.RunPython(creer_acv, migrations.RunPython.noop)]
