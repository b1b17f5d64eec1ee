"""Import kinds of the people app: ``persons`` (the registry spreadsheet), and the column
other apps' kinds use to name a registered person by ID number (``PersonByIdNumber``)."""

from jiuye.core.importing import register_kind
from jiuye.people.importing.person_field import PersonByIdNumber, masked_id_message
from jiuye.people.importing.persons import PersonsKind

__all__ = ["PersonByIdNumber", "PersonsKind", "masked_id_message"]

register_kind(PersonsKind())
