"""The tables of the embedded SQLite file, for all five stores, and how a file is updated.

`PRAGMA user_version` holds the number of migrations applied. A migration is a tuple of
statements; add a new one at the end, never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from stores.errors import StoreUnavailable

_VITALS = (
    # The primary key (bed, time) serves latest, history and recent: all are per-bed time ranges.
    """CREATE TABLE IF NOT EXISTS vitals (
        bed_id TEXT NOT NULL, time REAL NOT NULL,
        heart_rate REAL, spo2 REAL, resp_rate REAL,
        nibp_sys REAL, nibp_dia REAL, nibp_mean REAL, temperature REAL,
        PRIMARY KEY (bed_id, time)) WITHOUT ROWID""",
)

_PATIENTS = (
    """CREATE TABLE IF NOT EXISTS beds (
        id TEXT PRIMARY KEY, region TEXT NOT NULL, ward TEXT NOT NULL,
        label TEXT NOT NULL, position INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS beds_by_ward ON beds (ward, position)",
    """CREATE TABLE IF NOT EXISTS patients (
        id TEXT PRIMARY KEY, region TEXT NOT NULL, ward TEXT NOT NULL, mrn TEXT NOT NULL,
        given_name TEXT NOT NULL, family_name TEXT NOT NULL, birth_date TEXT NOT NULL,
        sex TEXT NOT NULL, bed_id TEXT, weight_kg REAL,
        diagnoses TEXT NOT NULL, allergies TEXT NOT NULL, medications TEXT NOT NULL,
        notes TEXT NOT NULL, admitted_at REAL NOT NULL, updated_at REAL NOT NULL,
        version INTEGER NOT NULL)""",
    # The store checks both rules first to name the field; the indexes are the safety net.
    "CREATE UNIQUE INDEX IF NOT EXISTS patients_mrn ON patients (region, mrn)",
    "CREATE UNIQUE INDEX IF NOT EXISTS patients_bed ON patients (bed_id) WHERE bed_id IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS patients_by_ward ON patients (region, ward)",
    """CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, user TEXT NOT NULL,
        action TEXT NOT NULL, patient_id TEXT NOT NULL, detail TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_by_patient ON audit (patient_id, seq)",
)

_NETWORK = (
    """CREATE TABLE IF NOT EXISTS care_nodes (
        id TEXT PRIMARY KEY, label TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('patient', 'doctor', 'nurse')),
        region TEXT, ward TEXT)""",
    """CREATE TABLE IF NOT EXISTS care_links (
        source_id TEXT NOT NULL REFERENCES care_nodes (id) ON DELETE CASCADE,
        target_id TEXT NOT NULL REFERENCES care_nodes (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        PRIMARY KEY (source_id, target_id, kind)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS care_links_by_target ON care_links (target_id)",
)

_ANALYTICS = (
    # Keyed by region first, then hour: the one query is a region's hours in a range.
    """CREATE TABLE IF NOT EXISTS ward_hours (
        region TEXT NOT NULL, ward TEXT NOT NULL, hour REAL NOT NULL,
        alarms INTEGER NOT NULL, heart_rate_sum REAL NOT NULL, heart_rate_count INTEGER NOT NULL,
        spo2_sum REAL NOT NULL, spo2_count INTEGER NOT NULL,
        PRIMARY KEY (region, hour, ward)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS ward_occupancy (
        region TEXT NOT NULL, ward TEXT NOT NULL, occupied INTEGER NOT NULL,
        beds INTEGER NOT NULL, time REAL NOT NULL,
        PRIMARY KEY (region, ward)) WITHOUT ROWID""",
)

_ALERTS = (
    """CREATE TABLE IF NOT EXISTS alarms (
        id TEXT PRIMARY KEY, region TEXT NOT NULL, raised_at REAL NOT NULL,
        needs_attention INTEGER NOT NULL, record TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS alarms_by_region ON alarms (region, raised_at)",
    """CREATE INDEX IF NOT EXISTS alarms_needing_attention ON alarms (region, raised_at)
        WHERE needs_attention = 1""",
)

_OUTBOX = (
    # Writes for a real store that could not reach it, in the order they were made. A write the
    # store refused on delivery keeps its row with `refused` set: nothing entered is dropped.
    """CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, store TEXT NOT NULL, op TEXT NOT NULL,
        payload TEXT NOT NULL, queued_at REAL NOT NULL, refused TEXT)""",
    "CREATE INDEX IF NOT EXISTS outbox_by_store ON outbox (store, seq)",
)

_ALARM_STATES = (
    # A patient's own alarm limits, as JSON: [{"vital", "low", "high", "delay_s"}].
    "ALTER TABLE patients ADD COLUMN alarm_limits TEXT NOT NULL DEFAULT '[]'",
    # Per-shift figures: bed-hours monitored, and acknowledgements with their delays.
    "ALTER TABLE ward_hours ADD COLUMN bed_seconds REAL NOT NULL DEFAULT 0",
    "ALTER TABLE ward_hours ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE ward_hours ADD COLUMN acknowledge_s_sum REAL NOT NULL DEFAULT 0",
    # `needs_attention` now flags alarms open in the banner: an acknowledged alarm whose
    # condition is still true stays listed (steady, silent) until it resolves.
    """UPDATE alarms SET needs_attention = 1
        WHERE json_extract(record, '$.cleared_at') IS NULL""",
)

_VITAL_NAMES = ("heart_rate", "spo2", "resp_rate", "nibp_sys", "nibp_dia", "nibp_mean",
                "temperature")  # fixed here: a migration must not change with the model
_VALID_RANGES = dict(zip(_VITAL_NAMES, ((0, 350), (0, 100), (0, 150), (0, 350), (0, 300),
                                         (0, 320), (20, 45))))
# The minute of a time, rounded down also before 1970 (CAST rounds towards zero).
_MINUTE_OF_TIME = "(CAST(time / 60 AS INTEGER) - (time < CAST(time / 60 AS INTEGER) * 60))"

_WAVEFORMS_AND_ROLLUPS = (
    # Waveform chunks, values packed as float32. Replaced per (bed, waveform, start); readers
    # ask for the chunks of a bed that end after a time, and retention deletes by end.
    """CREATE TABLE IF NOT EXISTS waveforms (
        bed_id TEXT NOT NULL, waveform TEXT NOT NULL, start REAL NOT NULL,
        end_time REAL NOT NULL, rate_hz REAL NOT NULL, samples BLOB NOT NULL,
        UNIQUE (bed_id, waveform, start))""",
    "CREATE INDEX IF NOT EXISTS waveforms_by_end ON waveforms (bed_id, waveform, end_time)",
    "CREATE INDEX IF NOT EXISTS waveforms_expiry ON waveforms (end_time)",
    # Per bed and minute (UNIX time // 60), each vital's min, max, sum and count of valid
    # values, kept by every write: a week's trend reads 10 080 of these, not 604 800 samples.
    """CREATE TABLE IF NOT EXISTS vitals_minutes (
        bed_id TEXT NOT NULL, minute INTEGER NOT NULL, """
    + ", ".join(f"{v}_min REAL, {v}_max REAL, {v}_sum REAL, {v}_n INTEGER NOT NULL"
                for v in _VITAL_NAMES)
    + ", PRIMARY KEY (bed_id, minute)) WITHOUT ROWID",
    # Values no sensor can report were stored before this version; they are missing now, as
    # the stores keep them from now on (VITAL_RANGES of this version, fixed here).
    *(f"UPDATE vitals SET {v} = NULL WHERE NOT {v} BETWEEN {low} AND {high}"
      for v, (low, high) in _VALID_RANGES.items()),
    # The minutes of the vitals written before this version.
    f"INSERT OR REPLACE INTO vitals_minutes SELECT bed_id, {_MINUTE_OF_TIME} AS minute, "
    + ", ".join(f"MIN({v}), MAX({v}), SUM({v}), COUNT({v})" for v in _VITAL_NAMES)
    + " FROM vitals GROUP BY bed_id, minute",
)

_OUTBOX_OPERATIONS = (
    # Writes queued from now on are stored under a stable operation name with their arguments by
    # name (payload version 2); the rows already there keep version 1 and are read as such.
    "ALTER TABLE outbox ADD COLUMN payload_version INTEGER NOT NULL DEFAULT 1",
)

_SIMULATED = (
    # What the bedside simulator wrote is marked, so that no station takes it for a patient's.
    "ALTER TABLE vitals ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE waveforms ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0",
)

_ALARM_ARCHIVE = (
    # Resolved alarms moved off the alarm bus, one row per alarm: a region's alarms by the time
    # they were raised (the history), and a patient's. `changed_at`: when the version archived
    # came about; a later one replaces it, an earlier one does not.
    """CREATE TABLE IF NOT EXISTS alarm_archive (
        region TEXT NOT NULL, raised_at REAL NOT NULL, id TEXT NOT NULL, patient_id TEXT,
        changed_at REAL NOT NULL, record TEXT NOT NULL,
        PRIMARY KEY (region, raised_at, id)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS alarm_archive_by_patient ON alarm_archive "
    "(region, patient_id, raised_at)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    _VITALS + _PATIENTS + _NETWORK + _ANALYTICS + _ALERTS,
    _OUTBOX,
    _ALARM_STATES,
    _WAVEFORMS_AND_ROLLUPS,
    _OUTBOX_OPERATIONS,
    _SIMULATED,
    _ALARM_ARCHIVE,
)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the migrations this file lacks, all in one transaction (the writer's connection)."""
    conn.execute("BEGIN IMMEDIATE")  # taken before reading the version: two stations may start
    try:
        applied = conn.execute("PRAGMA user_version").fetchone()[0]
        if applied > len(MIGRATIONS):
            raise StoreUnavailable(
                f"the file was written by a newer Ward Station (schema {applied}); "
                f"this one knows schema {len(MIGRATIONS)}. Update Ward Station."
            )
        for statements in MIGRATIONS[applied:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
