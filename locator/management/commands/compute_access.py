from django.core.management.base import BaseCommand

from locator.access import compute_access


class Command(BaseCommand):
    help = (
        "Recompute the access metrics: for every ZIP code, the straight-line miles to the nearest active "
        "providers of each medication. import_samhsa and sync_samhsa run it when they change the directory."
    )

    def handle(self, *args: object, **options: object) -> None:
        log = self.stdout.write if options["verbosity"] >= 2 else (lambda line: None)
        report = compute_access(log=log)
        self.stdout.write(
            f"Access metrics for {report.zip_codes} ZIP codes from {report.providers['any']} providers "
            f"in {report.seconds:.1f} s."
        )
