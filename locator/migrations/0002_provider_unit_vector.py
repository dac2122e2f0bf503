from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Cos, Radians, Sin


def fill_unit_vectors(apps, schema_editor):
    """One set-based UPDATE; Django provides COS, SIN and RADIANS on SQLite too."""
    provider = apps.get_model("locator", "Provider")
    latitude, longitude = Radians(F("latitude")), Radians(F("longitude"))
    provider.objects.filter(latitude__isnull=False, longitude__isnull=False).update(
        unit_x=Cos(latitude) * Cos(longitude), unit_y=Cos(latitude) * Sin(longitude), unit_z=Sin(latitude)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("locator", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="unit_x",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="provider",
            name="unit_y",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="provider",
            name="unit_z",
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_unit_vectors, migrations.RunPython.noop),
    ]
