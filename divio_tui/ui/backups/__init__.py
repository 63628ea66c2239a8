"""The backups table of one environment (`b`)."""
