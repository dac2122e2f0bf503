from pathlib import Path

from locator.importing.formats import parse_text
from locator.importing.records import ParsedFile, ProviderRecord, Rejection
from locator.importing.rows import read_text

OTP_HEADER = "Program Name,Street,City,State,Zip Code,Phone,Certification\r\n"


def parse_path(path: Path) -> tuple[ParsedFile, list[ProviderRecord], list[Rejection]]:
    parsed = parse_text(read_text(path))
    items = list(parsed.items)
    records = [item for item in items if isinstance(item, ProviderRecord)]
    rejections = [item for item in items if isinstance(item, Rejection)]
    return parsed, records, rejections


def by_name(records: list[ProviderRecord], name: str) -> list[ProviderRecord]:
    return [record for record in records if record.name == name]


def write_otp_csv(folder: Path, name: str, rows: list[str]) -> Path:
    """An OTP Directory export as SAMHSA's CSV has it; its name carries its date."""
    path = folder / name
    path.write_text(OTP_HEADER + "".join(f"{row}\r\n" for row in rows), encoding="utf-8")
    return path
