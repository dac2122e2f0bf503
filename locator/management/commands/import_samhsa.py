import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from locator.importing.formats import FORMAT_NAMES
from locator.importing.importer import import_files
from locator.importing.loading import DataDate, data_date_from_name
from locator.importing.records import ImportFailed
from locator.importing.report import report_lines
from locator.management.after_import import refresh_after_import


def _data_date(text: str) -> DataDate:
    data_date, precision = data_date_from_name(text)
    if data_date is None or text.strip() not in {data_date.isoformat(), str(data_date.year)}:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD) or a year (YYYY)")
    return DataDate(data_date, precision)


class Command(BaseCommand):
    help = (
        "Import SAMHSA exports (files or folders) into the directory, all or nothing. "
        "The format is told from each file's content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="SAMHSA export files, or folders of them")
        parser.add_argument("--format", choices=FORMAT_NAMES, help="read every file in this format")
        parser.add_argument(
            "--data-date",
            type=_data_date,
            help="date of the data (YYYY-MM-DD, or a year YYYY) of the files whose names do not say it",
        )
        parser.add_argument("--sample", action="store_true", help="mark these providers as sample data")

    def handle(self, *args: object, **options: object) -> None:
        interactive = sys.stderr.isatty() and options["verbosity"] >= 1

        def progress(items: list) -> object:
            return tqdm(items, unit="file", leave=False) if interactive else items

        def log(line: str) -> None:
            if not interactive and options["verbosity"] >= 1:
                self.stdout.write(line)

        try:
            report = import_files(
                options["paths"],
                format_name=options["format"],
                data_date=options["data_date"],
                is_sample=options["sample"],
                progress=progress,
                log=log,
            )
        except ImportFailed as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        except DatabaseError as error:
            raise CommandError(f"Nothing was imported: the database refused a write ({error}).") from None
        except KeyboardInterrupt:
            raise CommandError("Interrupted: nothing was imported, the directory is as it was.") from None
        for line in report_lines(report):
            self.stdout.write(line)
        refresh_after_import(
            changed_directory=report.changed_directory, stdout=self.stdout, verbosity=options["verbosity"]
        )
