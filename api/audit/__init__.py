"""Reading the audit log (the table and the helper are in api.core.audit)."""
