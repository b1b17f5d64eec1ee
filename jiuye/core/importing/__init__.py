"""The one import framework: every spreadsheet that enters the product goes through here.

A kind declares its model, natural key, writer roles and typed fields with Chinese headers and
synonyms, plus one domain ``validate`` hook (``declared.DeclaredKind``). The framework reads the
file (``files``), maps the headers, converts and checks every row, reports every bad row, and
commits atomically (``engine``); stored batches run in the background (``batches``):

- a dry run writes nothing and reports created / updated / unchanged / invalid;
- a commit writes all rows or none, unless the user asked to import only the valid rows;
- re-importing the same content changes nothing (rows are matched by natural key), and a
  column the file does not have leaves its field alone;
- afterwards rows = valid + invalid and valid = created + updated + unchanged, or the batch
  fails loudly; each written record remembers its batch, the journal keeps what it changed,
  and a batch can be rolled back unless its rows were edited since.

A batch may name a parent record, for a kind whose rows go into one record from that record's
page (a declaration's staff list): ``run_import(parent=…)`` / ``batch_start(parent=…)`` store
it on the batch, the kind checks and locks it in ``open_parent`` and sees it as ``self.parent``
while the batch runs or is rolled back.

Kinds live in each app's ``importing`` module and register themselves; core's ready() imports
those modules (autodiscover), so core names no app.
"""

from jiuye.core.importing.base import (
    CellError,
    Column,
    ImportCancelled,
    ImportFileError,
    ImportKind,
    RollbackError,
    RowOutcome,
    apply_row,
    get_kind,
    join_errors,
    journal_value,
    kinds,
    register_kind,
)
from jiuye.core.importing.batches import (
    batch_can_recheck,
    batch_can_retry,
    batch_confirm,
    batch_fail_stale,
    batch_recheck,
    batch_retry,
    batch_start,
    batches_purge_files,
    fail_stale_batches,
    import_batch_task,
    list_check,
    list_save,
)
from jiuye.core.importing.engine import (
    CHUNK_ROWS,
    ERRORS_KEPT_ON_BATCH,
    batch_rollback,
    run_import,
)
from jiuye.core.importing.exports import export_rows, export_xlsx, template_xlsx, write_export
from jiuye.core.importing.files import (
    Sheet,
    Table,
    cell_text,
    masked,
    open_tables,
    parse_bool,
    parse_date,
    read_workbook,
)
from jiuye.core.importing.headers import map_headers, normalise_header
from jiuye.core.importing.report import ImportResult, progress_of, request_cancel

__all__ = [
    "CHUNK_ROWS",
    "ERRORS_KEPT_ON_BATCH",
    "CellError",
    "Column",
    "ImportCancelled",
    "ImportFileError",
    "ImportKind",
    "ImportResult",
    "RollbackError",
    "RowOutcome",
    "Sheet",
    "Table",
    "apply_row",
    "batch_can_recheck",
    "batch_can_retry",
    "batch_confirm",
    "batch_fail_stale",
    "batch_recheck",
    "batch_retry",
    "batch_rollback",
    "batch_start",
    "batches_purge_files",
    "cell_text",
    "export_rows",
    "fail_stale_batches",
    "get_kind",
    "import_batch_task",
    "join_errors",
    "journal_value",
    "kinds",
    "list_check",
    "list_save",
    "map_headers",
    "masked",
    "normalise_header",
    "open_tables",
    "parse_bool",
    "parse_date",
    "progress_of",
    "read_workbook",
    "register_kind",
    "request_cancel",
    "run_import",
    "template_xlsx",
    "write_export",
    "export_xlsx",
]
