"""An index for person name searches of 1 or 2 characters (issue 19; PostgreSQL only).

Most Chinese names are two or three characters, and a search by two (钟馗, or a given name
without its surname) has no trigram for the trigram index of 0006 to look up. PostgreSQL then
walked the (region, name) index in the list's order until it had found a page: the whole
district for a rare name. The names' characters in a GIN index (``core.namesearch``, as the
employers' 0006) find the persons holding every character of the text. Nothing is done on
SQLite (no GIN there).
"""

from django.db import migrations

from jiuye.core.namesearch import chars_index


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0008_name_statistics"),
    ]

    operations = [
        chars_index("person_name_chars", "people_person"),
    ]
