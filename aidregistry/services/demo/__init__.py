"""The demo data: real, sourced 2020 donations and purchases loaded as registry records.

``load_demo`` reads ``aidregistry/data/demo_events.csv`` (one row per event line item, see
research/domain.md §5) with two hand-checked tables beside it: ``demo_items.csv`` maps each
item text and unit onto the catalogue, ``demo_places.csv`` gives every city its coordinates.
"""

from aidregistry.services.demo.loader import load_demo
from aidregistry.services.demo.report import DemoReport, SkippedRow
from aidregistry.services.demo.rows import shipment_weights

__all__ = ["DemoReport", "SkippedRow", "load_demo", "shipment_weights"]
