"""Casework forms, one module per area of views (records, worklist, campaigns)."""
