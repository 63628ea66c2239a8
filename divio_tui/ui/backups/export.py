"""The backups table as CSV rows: what the table shows, with exact values beside it.

One row per backup in the table's order: its uuid, the time (ISO-8601 UTC), trigger, state
and outcome; per service, what the cell says (`✔ 1.2 GB`, `✘ failed`, `running`, `—`), the
service-instance backup's uuid and its size in bytes; the total size in bytes and the notes
in full (the table cuts them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from divio_tui.api.models import Backup, ServiceInstanceBackup

HEAD = ("backup_uuid", "time_utc", "trigger", "state", "success")
TAIL = ("total_bytes", "notes")


def csv_headers(services: Sequence[str]) -> list[str]:
    """The header row, `services` being the service columns' names as the table shows them."""
    per_service = [header for name in services
                   for header in (name, f"{name} backup_uuid", f"{name} bytes")]
    return [*HEAD, *per_service, *TAIL]


def csv_row(backup: Backup, service_uuids: Sequence[str], shown: Sequence[str],
            sibs: Mapping[str, ServiceInstanceBackup | None]) -> list[object]:
    """One backup's row: `service_uuids` are the service columns (instance uuids), `shown`
    what each of their cells says, `sibs` the backup's SIBs read so far (None: not yet)."""
    by_service = {sib.service_instance: sib for sib in sibs.values()
                  if sib is not None and sib.service_instance}
    when = backup.when
    row: list[object] = [
        backup.uuid, when.isoformat().replace("+00:00", "Z") if when else "",
        backup.trigger or "", backup.state or "", backup.success or "",
    ]
    for service, text in zip(service_uuids, shown, strict=True):
        sib = by_service.get(service)
        row += [text, sib.uuid if sib is not None else "",
                sib.size if sib is not None and sib.size is not None else ""]
    sizes = [sib.size for sib in sibs.values() if sib is not None and sib.size is not None]
    complete = bool(sibs) and all(sib is not None for sib in sibs.values())
    row += [sum(sizes) if complete and sizes else "", backup.notes or ""]
    return row
