from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Floor, Greatest, Least


def fill_grid_cells(apps, schema_editor):
    """One set-based UPDATE, the same arithmetic as locator.geo.grid_cell (0.25° cells)."""
    provider = apps.get_model("locator", "Provider")
    row = Least(Greatest(Floor((F("latitude") + 90) / 0.25), Value(0)), Value(719))
    column = Least(Greatest(Floor((F("longitude") + 180) / 0.25), Value(0)), Value(1439))
    provider.objects.filter(latitude__isnull=False, longitude__isnull=False).update(grid_cell=row * 1440 + column)


class Migration(migrations.Migration):
    dependencies = [
        ("locator", "0002_provider_unit_vector"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="provider",
            name="provider_active_lat_lng",
        ),
        migrations.AddField(
            model_name="provider",
            name="grid_cell",
            field=models.IntegerField(blank=True, editable=False, help_text="locator.geo.grid_cell", null=True),
        ),
        migrations.AlterField(
            model_name="provider",
            name="latitude",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="provider",
            name="longitude",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="provider",
            index=models.Index(
                fields=[
                    "grid_cell",
                    "active",
                    "offers_buprenorphine",
                    "offers_methadone",
                    "offers_naltrexone",
                    "is_otp",
                    "kind",
                    "state",
                    "offers_telehealth",
                    "offers_spanish",
                    "accepts_medicaid",
                    "accepts_medicare",
                    "accepts_private_insurance",
                    "accepts_state_plan",
                    "accepts_military_insurance",
                    "accepts_cash",
                    "offers_free_care",
                    "offers_sliding_fee",
                    "offers_payment_assistance",
                    "accepts_ihs_tribal",
                    "unit_x",
                    "unit_y",
                    "unit_z",
                    "name",
                ],
                name="provider_search",
            ),
        ),
        migrations.RunPython(fill_grid_cells, migrations.RunPython.noop),
    ]
