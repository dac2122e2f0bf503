from django.core.management.base import BaseCommand

from locator.api.exports import export_dir, write_exports


class Command(BaseCommand):
    help = (
        "Write the whole active directory as files (providers.csv, providers.geojson) that the API serves "
        "at /api/v1/export/. import_samhsa and sync_samhsa run it when they change the directory."
    )

    def handle(self, *args: object, **options: object) -> None:
        report = write_exports()
        self.stdout.write(f"Exported {report.providers} providers to {export_dir()} in {report.seconds:.1f} s.")
