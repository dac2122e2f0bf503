"""The whole active directory as files (CSV and GeoJSON), written after each import that changes it and served
as they are: a partner downloading everything never costs a query.

Each file is written beside its final name and moved into place, so a download reads the old file or the new
one, never half of each. A manifest keeps each file's SHA-256, its ETag.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from locator.api.renderers import csv_cell
from locator.api.serializers import ProviderSerializer
from locator.result_rows import providers_with_sources
from locator.search_filters import searchable_providers

EXPORT_NAMES = {"providers.csv": "text/csv; charset=utf-8", "providers.geojson": "application/geo+json"}
_MANIFEST = "manifest.json"
_CHUNK = 1_000


def export_dir() -> Path:
    return Path(settings.LOCATOR_EXPORT_DIR)


def _provider_rows() -> Iterator[dict[str, Any]]:
    """Every provider a search can return, by id, as the API shows one (with its sources and their dates)."""
    serializer = ProviderSerializer()
    ids = list(searchable_providers().order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        providers = providers_with_sources(chunk)
        for provider_id in chunk:
            yield serializer.to_representation(providers[provider_id])


def _write_atomically(path: Path, write) -> str:
    """Write through `write(file)` beside `path`, move it into place; the file's SHA-256."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            write(file)
        digest = hashlib.sha256(Path(temporary).read_bytes()).hexdigest()
        # Readable by a web server that serves the folder itself, as a file written the usual way would be.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


@dataclass(frozen=True)
class ExportReport:
    providers: int
    seconds: float


def write_exports() -> ExportReport:
    started = time.monotonic()
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(_provider_rows())
    columns = list(ProviderSerializer._declared_fields)

    def write_csv(file) -> None:
        writer = csv.writer(file)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row[column]) for column in columns])

    def write_geojson(file) -> None:
        features = [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}
                if row["latitude"] is not None
                else None,
                "properties": {key: value for key, value in row.items() if key not in ("latitude", "longitude")},
            }
            for row in rows
        ]
        json.dump({"type": "FeatureCollection", "features": features}, file, separators=(",", ":"))

    written = {
        "providers.csv": _write_atomically(folder / "providers.csv", write_csv),
        "providers.geojson": _write_atomically(folder / "providers.geojson", write_geojson),
    }
    manifest = {"written_at": timezone.now().isoformat(), "providers": len(rows), "sha256": written}
    _write_atomically(folder / _MANIFEST, lambda file: json.dump(manifest, file))
    return ExportReport(providers=len(rows), seconds=time.monotonic() - started)


@dataclass(frozen=True)
class ExportFile:
    path: Path
    content_type: str
    etag: str


def export_file(name: str) -> ExportFile | None:
    """A written export by name, or None before the first export."""
    try:
        manifest = json.loads((export_dir() / _MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    digest = manifest["sha256"].get(name)
    if name not in EXPORT_NAMES or digest is None:
        return None
    return ExportFile(export_dir() / name, EXPORT_NAMES[name], f'"{digest}"')


def exports_are_missing() -> bool:
    return export_file("providers.csv") is None
