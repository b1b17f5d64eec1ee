"""An index for employer name searches of 1 or 2 characters (issue 19; PostgreSQL only).

The trigram index of 0005 cannot serve ``name LIKE '%华为%'``: a text of 2 characters has no
trigram, so PostgreSQL read every employer. A GIN index on the name's characters
(``string_to_array(name, NULL)``, built in and immutable) finds the names holding every
character of the text; ``LIKE`` then keeps those that hold them side by side
(``core.namesearch``). Nothing is done on SQLite (no GIN there).
"""

from django.db import migrations

from jiuye.core.namesearch import chars_index


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0005_list_indexes"),
    ]

    operations = [
        chars_index("employer_name_chars", "employers_employer"),
    ]
