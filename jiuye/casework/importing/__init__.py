"""The casework import kind: ``services`` (service records, ``records``), and what a batch of
them does to the needs registrations and the registry (``needs``)."""

from jiuye.casework.importing.records import NEEDS_FIELDS, ServicesKind

__all__ = ["NEEDS_FIELDS", "ServicesKind"]
