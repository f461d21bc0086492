"""What a demo load did: records created, records left alone, rows not loaded."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SkippedRow:
    """A row of demo_events.csv that did not become an item lot."""

    event_id: str
    line: int
    item: str
    reason: str


@dataclass
class DemoReport:
    """Counts of records created by ``load_demo``, and the rows it did not load as items."""

    organisations: int = 0
    donations: int = 0
    needs: int = 0
    allocations: int = 0
    already_present: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def created(self) -> int:
        """All records created."""
        return self.organisations + self.donations + self.needs + self.allocations

    def summary(self) -> str:
        """A few lines for the command line."""
        lines = [
            f"Demo data: created {self.organisations} organisations, {self.donations} donations, "
            f"{self.needs} needs and {self.allocations} allocations.",
        ]
        if self.already_present:
            lines.append(f"{self.already_present} demo records were already present and were "
                         "left as they are.")
        if self.skipped:
            lines.append(f"{len(self.skipped)} rows were not loaded as item lots:")
            lines.extend(f"  {row.event_id} line {row.line} ({row.item}): {row.reason}"
                         for row in self.skipped)
        return "\n".join(lines)
