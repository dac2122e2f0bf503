from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from locator.importing.records import ImportFailed
from locator.importing.report import report_lines
from locator.importing.sync import SyncFailed, sync_samhsa
from locator.management.after_import import refresh_after_import


class Command(BaseCommand):
    help = (
        "Fetch the current FindTreatment.gov listings (a national sweep of buprenorphine, methadone and "
        "naltrexone providers) and the OTP Directory from SAMHSA, keep the raw downloads, and import them "
        "all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--resume", action="store_true", help="continue the last sync that did not finish, reusing its downloads"
        )
        parser.add_argument(
            "--force", action="store_true", help="import even when far fewer listings came back than last time"
        )

    def handle(self, *args: object, **options: object) -> None:
        def log(line: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(line)

        try:
            report = sync_samhsa(resume=options["resume"], force=options["force"], log=log)
        except (SyncFailed, ImportFailed) as error:
            raise CommandError(f"Nothing was imported; the directory is as it was. {error}") from None
        except DatabaseError as error:
            raise CommandError(f"Nothing was imported: the database refused a write ({error}).") from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: nothing was imported. Run again with --resume to go on.") from None
        lines = list(report_lines(report.imported))
        # The report opens with warnings about SAMHSA's wording: they come before anything else.
        warnings = [line for line in lines if line.startswith("WARNING")]
        for line in warnings:
            self.stdout.write(line)
        self.stdout.write(
            f"Fetched {report.fetched} responses ({report.reused} reused from an earlier attempt) into "
            f"{report.folder}: {report.findtreatment_rows} FindTreatment listings, "
            f"{report.otp_programs} OTP Directory programs."
        )
        for note in report.notes:
            self.stdout.write(note)
        for line in lines[len(warnings) :]:
            self.stdout.write(line)
        refresh_after_import(
            changed_directory=report.imported.changed_directory, stdout=self.stdout, verbosity=options["verbosity"]
        )
