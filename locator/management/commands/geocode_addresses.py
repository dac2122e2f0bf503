from django.core.management.base import BaseCommand, CommandError, CommandParser
from geopy.exc import GeopyError

from locator.geocoding import configured_geocoder
from locator.importing.placing import upgrade_approximate_locations


class Command(BaseCommand):
    help = (
        "Look up street addresses of providers located only by ZIP or city centre with the online "
        "geocoder named in LOCATOR_GEOCODER (rate-limited; every answer cached)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=100, help="at most this many addresses (default 100)")

    def handle(self, *args: object, **options: object) -> None:
        geocoder = configured_geocoder()
        if geocoder is None:
            raise CommandError("No online geocoder is configured: set LOCATOR_GEOCODER (for example nominatim).")
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            report = upgrade_approximate_locations(geocoder, limit=options["limit"])
        except GeopyError as error:
            raise CommandError(
                f"The geocoder failed ({error}); addresses found before the failure are cached."
            ) from None
        self.stdout.write(
            f"looked up {report.looked_up} addresses: {report.upgraded} records upgraded to address precision, "
            f"{report.not_found} not found, {report.providers_updated} providers updated"
        )
