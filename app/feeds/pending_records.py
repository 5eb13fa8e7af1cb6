"""What handling a refused write leaves in the audit log, and how it is described to people."""

from __future__ import annotations

import time

from stores.model import AuditEntry, PendingWrite

DISCARDED = "queued write discarded"


def discard_entry(write: PendingWrite, user: str, at: float) -> AuditEntry:
    """ "Save changes to Lovelace, Ada (MRN 1), made by dr.ng 2024-05-01 14:03:07, refused: ..." """
    made = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(write.made_at))
    detail = f"{write.what}, made by {write.user} {made}, refused: {write.refused or 'no reason'}"
    return AuditEntry(time=at, user=user, action=DISCARDED, patient_id=write.patient_id or "",
                      detail=detail)
