"""What an import did, per source: counted while it runs, printed by import_samhsa and sync_samhsa."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from locator.vocabulary import Source

_REJECTION_SAMPLES = 5


@dataclass
class SourceReport:
    source: Source
    files: int = 0
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: int = 0
    combined: int = 0
    linked: int = 0
    approximate: int = 0
    # Placed at the centre of the named city because the ZIP's centre lies too far from it.
    placed_at_city: int = 0
    not_located: int = 0
    rejection_samples: list[str] = field(default_factory=list)
    # (category, label) -> listings that carry it, for labels no table knows.
    unknown_labels: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Listings that name a medication for opioid use disorder and also say they offer none.
    offers_and_denies_moud: int = 0
    skipped_older: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add_rejection_sample(self, sample: str) -> None:
        if len(self.rejection_samples) < _REJECTION_SAMPLES:
            self.rejection_samples.append(sample)


@dataclass
class ImportReport:
    sources: dict[Source, SourceReport] = field(default_factory=dict)
    not_samhsa_files: list[str] = field(default_factory=list)
    # Files whose names carry their own date, which --data-date does not replace.
    dates_from_names: list[str] = field(default_factory=list)
    providers_created: int = 0
    seconds: float = 0.0

    def for_source(self, source: Source) -> SourceReport:
        return self.sources.setdefault(source, SourceReport(source))

    @property
    def changed_directory(self) -> bool:
        """Whether a provider was added, changed or deactivated."""
        return any(report.created or report.updated or report.deactivated for report in self.sources.values())


def unknown_labels_by_category(labels: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """{category: {label: listings}}, most frequent first: how SourceFile keeps them for the admin."""
    by_category: dict[str, dict[str, int]] = {}
    for (category, label), count in labels.most_common():
        by_category.setdefault(category, {})[label] = count
    return by_category


def report_lines(report: ImportReport) -> Iterator[str]:
    """The report as lines a person reads after an import.

    Wording SAMHSA changed comes first: a label no table knows may be a medication, a payment or an
    OTP certification that this import could not see, and the lines at the end are read last.
    """
    for source_report in report.sources.values():
        if source_report.unknown_labels:
            yield (
                f"WARNING {source_report.source.label}: {len(source_report.unknown_labels)} label(s) that may decide "
                "medications, payment or programs are not in the mapping table (locator/importing/labels.py); "
                "listings carrying them may lack facts. They are listed at the end."
            )
    for path in report.not_samhsa_files:
        yield f"skipped {path}: not a SAMHSA format"
    if report.dates_from_names:
        named = report.dates_from_names
        more = f" and {len(named) - 3} more" if len(named) > 3 else ""
        yield f"the date in the name, not --data-date, for {len(named)} file(s): {', '.join(named[:3])}{more}"
    for source_report in report.sources.values():
        yield (
            f"{source_report.source.label}: {source_report.files} file(s), read {source_report.read}, "
            f"created {source_report.created}, updated {source_report.updated}, "
            f"unchanged {source_report.unchanged}, deactivated {source_report.deactivated}, "
            f"rejected {source_report.rejected}, combined with a row listing the same place {source_report.combined}, "
            f"linked to other listings {source_report.linked}, "
            f"approximate location {source_report.approximate} (at the city because the ZIP is far from it "
            f"{source_report.placed_at_city}), not located {source_report.not_located}; "
            f"{source_report.seconds:.1f} s"
        )
        for sample in source_report.rejection_samples:
            yield f"  rejected: {sample}"
        for name in source_report.skipped_older:
            yield f"  skipped {name}: older than the snapshot already loaded"
        if source_report.offers_and_denies_moud:
            yield (
                f"  {source_report.offers_and_denies_moud} listing(s) name a medication for opioid use disorder and "
                "also say they offer none: counted as offering none"
            )
    yield f"{report.providers_created} new providers; took {report.seconds:.1f} s in all, writing providers included"
    for source_report in report.sources.values():
        for category, labels in unknown_labels_by_category(source_report.unknown_labels).items():
            yield f"{source_report.source.label}: labels not in the mapping table, category {category}:"
            for label, count in labels.items():
                yield f"  {count} listing(s): {label}"
