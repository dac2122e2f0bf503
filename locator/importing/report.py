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
    linked: int = 0
    approximate: int = 0
    not_located: int = 0
    rejection_samples: list[str] = field(default_factory=list)
    unmapped_labels: Counter[str] = field(default_factory=Counter)
    skipped_older: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add_rejection_sample(self, sample: str) -> None:
        if len(self.rejection_samples) < _REJECTION_SAMPLES:
            self.rejection_samples.append(sample)


@dataclass
class ImportReport:
    sources: dict[Source, SourceReport] = field(default_factory=dict)
    not_samhsa_files: list[str] = field(default_factory=list)
    providers_created: int = 0
    seconds: float = 0.0

    def for_source(self, source: Source) -> SourceReport:
        return self.sources.setdefault(source, SourceReport(source))


def report_lines(report: ImportReport) -> Iterator[str]:
    """The report as lines a person reads after an import."""
    for path in report.not_samhsa_files:
        yield f"skipped {path}: not a SAMHSA format"
    for source_report in report.sources.values():
        yield (
            f"{source_report.source.label}: {source_report.files} file(s), read {source_report.read}, "
            f"created {source_report.created}, updated {source_report.updated}, "
            f"unchanged {source_report.unchanged}, deactivated {source_report.deactivated}, "
            f"rejected {source_report.rejected}, linked to other listings {source_report.linked}, "
            f"approximate location {source_report.approximate}, not located {source_report.not_located}; "
            f"{source_report.seconds:.1f} s"
        )
        for sample in source_report.rejection_samples:
            yield f"  rejected: {sample}"
        for name in source_report.skipped_older:
            yield f"  skipped {name}: older than the snapshot already loaded"
        for label, count in source_report.unmapped_labels.most_common(5):
            yield f"  label not in the mapping table ({count}x): {label}"
    yield f"{report.providers_created} new providers; took {report.seconds:.1f} s in all, writing providers included"
