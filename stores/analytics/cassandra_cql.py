"""The analytics keyspace in CQL: its tables, and the statements the store prepares once.

Every table is keyed by region. `ward_hours` is partitioned by (region, day), so a range of
hours reads only the partitions of its days; each row is one writer's running total of one ward
in one hour (see stores/analytics/cassandra.py for why). `ward_occupancy` is partitioned by
region; `ward_regions` lists the regions in one small partition so that "every ward's occupancy"
reads known partitions instead of scanning the table. `alarm_archive` holds the resolved alarms
moved off the alarm bus, one row per alarm, partitioned by (region, day raised) and clustered by
the time raised and id; the row's write timestamp is when its version came about, so a later
state of an alarm archived again wins and an earlier one never does.
"""

from __future__ import annotations

from dataclasses import dataclass

from cassandra.cluster import Session
from cassandra.query import PreparedStatement, SimpleStatement

from stores.analytics.cassandra_settings import CassandraSettings

TABLES = ("ward_hours", "ward_occupancy", "ward_regions", "alarm_archive")
# The summed columns of ward_hours with their CQL types, in the order of WardHour's fields. The
# last ones came later: `prepare` adds those an older table lacks (ALTER TABLE ... ADD).
SUM_TYPES = {
    "alarms": "bigint", "heart_rate_sum": "double", "heart_rate_count": "bigint",
    "spo2_sum": "double", "spo2_count": "bigint",
    "bed_seconds": "double", "acknowledged": "bigint", "acknowledge_s_sum": "double",
}
SUMS = tuple(SUM_TYPES)
ALL_REGIONS = "all"  # the one partition of ward_regions

_HOUR_KEY = ("region", "day", "hour", "ward", "writer")
_CREATE_TABLES = (
    """CREATE TABLE IF NOT EXISTS {ks}.ward_hours (
    region text, day date, hour timestamp, ward text, writer uuid,
    {sums},
    PRIMARY KEY ((region, day), hour, ward, writer)
) WITH CLUSTERING ORDER BY (hour ASC, ward ASC, writer ASC)""",
    """CREATE TABLE IF NOT EXISTS {ks}.ward_occupancy (
    region text, ward text, occupied int, beds int, measured_at double,
    PRIMARY KEY ((region), ward)
)""",
    """CREATE TABLE IF NOT EXISTS {ks}.ward_regions (
    listing text, region text,
    PRIMARY KEY ((listing), region)
)""",
    """CREATE TABLE IF NOT EXISTS {ks}.alarm_archive (
    region text, day date, raised_at double, id text, patient_id text, record text,
    PRIMARY KEY ((region, day), raised_at, id)
) WITH CLUSTERING ORDER BY (raised_at ASC, id ASC)""",
)
_STATEMENTS = {
    "insert_hour": f"INSERT INTO {{ks}}.ward_hours ({', '.join(_HOUR_KEY + SUMS)}) "
                   f"VALUES ({', '.join(':' + name for name in _HOUR_KEY + SUMS)})",
    "select_hours": f"SELECT hour, ward, {', '.join(SUMS)} FROM {{ks}}.ward_hours "
                    "WHERE region = :region AND day = :day "
                    "AND hour >= :from_hour AND hour < :to_hour",
    # The reading's own time is the write's timestamp: a late, older reading loses to a newer one.
    "insert_occupancy": "INSERT INTO {ks}.ward_occupancy "
                        "(region, ward, occupied, beds, measured_at) "
                        "VALUES (:region, :ward, :occupied, :beds, :measured_at) "
                        "USING TIMESTAMP :written_at",
    "insert_region": f"INSERT INTO {{ks}}.ward_regions (listing, region) "
                     f"VALUES ('{ALL_REGIONS}', :region)",
    "select_regions": f"SELECT region FROM {{ks}}.ward_regions WHERE listing = '{ALL_REGIONS}'",
    "select_occupancy": "SELECT ward, occupied, beds, measured_at FROM {ks}.ward_occupancy "
                        "WHERE region = :region",
    "insert_archived": "INSERT INTO {ks}.alarm_archive "
                       "(region, day, raised_at, id, patient_id, record) "
                       "VALUES (:region, :day, :raised_at, :id, :patient_id, :record) "
                       "USING TIMESTAMP :written_at",
    "select_archived": "SELECT record FROM {ks}.alarm_archive "
                       "WHERE region = :region AND day = :day "
                       "AND raised_at >= :from_raised AND raised_at < :to_raised",
}
_READS = frozenset({"select_hours", "select_regions", "select_occupancy", "select_archived"})

FIND_KEYSPACE = "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = %s"
FIND_TABLES = "SELECT table_name FROM system_schema.tables WHERE keyspace_name = %s"
FIND_HOUR_COLUMNS = ("SELECT column_name FROM system_schema.columns "
                     "WHERE keyspace_name = %s AND table_name = 'ward_hours'")
PING = "SELECT release_version FROM system.local"


def quoted(name: str) -> str:
    """A keyspace name as CQL keeps it: quoted, so its case is kept too."""
    return '"' + name.replace('"', '""') + '"'


def create_keyspace(settings: CassandraSettings) -> str:
    replicas = ", ".join(f"'{dc}': {count}" for dc, count in settings.replication)
    return (f"CREATE KEYSPACE IF NOT EXISTS {quoted(settings.keyspace)} WITH replication = "
            f"{{'class': 'NetworkTopologyStrategy', {replicas}}}")


def create_tables(settings: CassandraSettings) -> list[str]:
    sums = ", ".join(f"{name} {kind}" for name, kind in SUM_TYPES.items())
    return [text.format(ks=quoted(settings.keyspace), sums=sums) for text in _CREATE_TABLES]


def add_hour_column(settings: CassandraSettings, name: str) -> str:
    """The change that gives an older ward_hours table a summed column it lacks; its old rows
    read null there, which counts as zero."""
    return f"ALTER TABLE {quoted(settings.keyspace)}.ward_hours ADD {name} {SUM_TYPES[name]}"


def simple(text: str, level: int) -> SimpleStatement:
    """A statement sent as text: schema queries and changes, run too rarely to prepare."""
    return SimpleStatement(text, consistency_level=level)


@dataclass(frozen=True)
class Statements:
    """The store's prepared statements, each with its consistency level and page size."""

    insert_hour: PreparedStatement
    select_hours: PreparedStatement
    insert_occupancy: PreparedStatement
    insert_region: PreparedStatement
    select_regions: PreparedStatement
    select_occupancy: PreparedStatement
    insert_archived: PreparedStatement
    select_archived: PreparedStatement

    @classmethod
    def prepare(cls, session: Session, settings: CassandraSettings) -> Statements:
        """Prepare every statement; blocking (a round trip per server), so run it in a thread."""
        keyspace = quoted(settings.keyspace)
        return cls(**{name: _prepared(session, text.format(ks=keyspace), name, settings)
                      for name, text in _STATEMENTS.items()})

    def read_at(self, level: int) -> None:
        """Read at `level` from now on (a statement bound later takes its prepared level)."""
        for name in _READS:
            getattr(self, name).consistency_level = level


def _prepared(session: Session, text: str, name: str, settings: CassandraSettings) -> PreparedStatement:
    statement = session.prepare(text)
    read = name in _READS
    statement.consistency_level = settings.read_consistency if read else settings.write_consistency
    statement.fetch_size = settings.fetch_size
    # Every write carries whole values (a total, a timestamped reading), never an increment, so
    # the driver may retry or speculatively repeat any of them without counting anything twice.
    statement.is_idempotent = True
    return statement
