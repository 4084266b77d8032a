from datetime import date

from django.db import migrations

PRESENTATION = (
    "Le programme Petites villes de demain donne aux élus des communes de moins de 20 000 habitants qui exercent "
    "des fonctions de centralité, et à leurs intercommunalités, les moyens de concrétiser leur projet de "
    "territoire : ingénierie, financements et réseau, pour des petites villes plus attractives, plus vivantes et "
    "engagées dans la transition écologique."
)


def creer_pvd(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Phase = apps.get_model("programmes", "Phase")
    RegleEcheance = apps.get_model("programmes", "RegleEcheance")
    pvd, _ = Programme.objects.update_or_create(
        slug="pvd",
        defaults={
            "nom": "Petites villes de demain",
            "nom_court": "PVD",
            "date_debut": date(2020, 10, 1),
            "population_max": 20000,
            "cofinancement_taux_max": 75,
            "cofinancement_plafond": 45000,
            "cofinancement_plafond_anah": 55000,
            "presentation": PRESENTATION,
        },
    )
    Phase.objects.get_or_create(
        programme=pvd,
        nom="Programme initial",
        defaults={"date_debut": date(2020, 10, 1), "date_fin": date(2026, 12, 31)},
    )
    Phase.objects.get_or_create(programme=pvd, nom="Prolongation", defaults={"date_debut": date(2027, 1, 1)})
    for origine, cible, delai in [
        ("selection", "adhesion", None),
        ("adhesion", "chef_de_projet", None),
        ("adhesion", "cadre_ort", 18),
        ("cadre_ort", "avenant", None),
    ]:
        RegleEcheance.objects.update_or_create(
            programme=pvd, cible=cible, defaults={"origine": origine, "delai_mois": delai}
        )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_programme_laureats_conventions")]
    operations = [migrations.RunPython(creer_pvd, migrations.RunPython.noop)]
