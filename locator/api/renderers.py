"""GeoJSON and CSV for the list endpoint (`format=geojson`, `format=csv`); errors stay JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer

from locator.api.serializers import ProviderMatchSerializer

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_error(data: Any) -> bool:
    return isinstance(data, dict) and "error" in data


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if _is_error(data) or not isinstance(data, dict) or "results" not in data:
            return super().render(data, accepted_media_type, renderer_context)
        features = []
        for result in data["results"]:
            properties = {key: value for key, value in result.items() if key not in {"latitude", "longitude"}}
            has_point = result["latitude"] is not None and result["longitude"] is not None
            features.append(
                {
                    "type": "Feature",
                    "id": result["id"],
                    # GeoJSON puts longitude first.
                    "geometry": {"type": "Point", "coordinates": [result["longitude"], result["latitude"]]}
                    if has_point
                    else None,
                    "properties": properties,
                }
            )
        collection = {
            "type": "FeatureCollection",
            "features": features,
            # Everything the JSON list says besides its results, as the schema promises.
            **{key: value for key, value in data.items() if key != "results"},
        }
        return super().render(collection, accepted_media_type, renderer_context)


def csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = "; ".join(
            f"{item['name']} ({item['data_date'] or 'date unknown'})" if isinstance(item, dict) else str(item)
            for item in value
        )
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if _is_error(data) or not isinstance(data, dict) or "results" not in data:
            return JSONRenderer().render(data)
        output = io.StringIO()
        writer = csv.writer(output)
        # The columns are the fields of a result, in the order the API documents them.
        columns = list(ProviderMatchSerializer().fields)
        writer.writerow(columns)
        for result in data["results"]:
            writer.writerow([csv_cell(result[column]) for column in columns])
        return output.getvalue().encode("utf-8")
