"""What the explorer knows of the account, with no Textual: the session's caches and indexes
(`session.Session`), the backup answers (`backups.BackupBook`), what each tree node holds
(`nodes`) and where the cursor was before each jump (`history`).

Used by the UI, the command-line commands and the benchmarks alike; it reads the account
only through the API layer (`divio_tui.api`).
"""
