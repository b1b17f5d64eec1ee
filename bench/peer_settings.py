"""Settings of the django-import-export peer's child process only (bench_import.py).

The product does not install django-import-export; the bench's peer step runs with the
project's settings plus the library's app, so nothing outside the bench depends on it."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "import_export"]
# One transaction for the whole file, as Jiuye's commit (all or nothing).
IMPORT_EXPORT_USE_TRANSACTIONS = True
