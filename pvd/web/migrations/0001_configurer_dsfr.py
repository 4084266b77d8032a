from django.db import migrations

DESCRIPTION = (
    "PVD suit le programme Petites villes de demain : les communes lauréates, leurs intercommunalités, "
    "les conventions signées avec l'État et leurs échéances. Service de l'Agence nationale de la cohésion "
    "des territoires et des préfectures."
)


def configurer(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    DsfrConfig.objects.update_or_create(
        language="fr",
        defaults={
            "site_title": "Petites villes de demain",
            "site_tagline": "Le suivi du programme, commune par commune",
            "header_brand": "République française",
            "header_brand_html": "République<br>française",
            "footer_brand": "République française",
            "footer_brand_html": "République<br>française",
            "footer_description": DESCRIPTION,
            "accessibility_status": "NOT",
            "mourning": False,
        },
    )


def retirer(apps, schema_editor):
    apps.get_model("dsfr", "DsfrConfig").objects.filter(language="fr").delete()


class Migration(migrations.Migration):
    dependencies = [("dsfr", "0012_dsfrconfig_notice_description_and_more")]
    operations = [migrations.RunPython(configurer, retirer)]
