"""Domain records that flow through the whole station: beds, patients, vitals, alarms, care links.

Every record is a frozen dataclass. Times of measurements and alarms are UNIX epoch seconds
(UTC, float); calendar dates (birth dates) are `datetime.date`. Each domain's records live in a
module of their own (`stores.model.vitals`, `.alarms`, ...); they are all named here too, so that
`from stores.model import Patient` reads the same wherever it is written.
"""

from __future__ import annotations

from stores.model.alarms import (  # noqa: F401
    Alarm,
    AlarmKind,
    Priority,
    banner_order,
)
from stores.model.analytics import (  # noqa: F401
    SHIFT_STARTS,
    ShiftFigures,
    WardHour,
    WardOccupancy,
    hour_start,
    shift_figures,
    ward_shifts,
)
from stores.model.health import (  # noqa: F401
    CacheHealth,
    HealthState,
    NodeStatus,
    ServerEvent,
    StoreHealth,
)
from stores.model.limits import (  # noqa: F401
    AlarmLimits,
    Bounds,
    Widening,
    alarm_limit_problems,
    clamped_limits,
    widenings,
)
from stores.model.network import (  # noqa: F401
    CareGraph,
    CareLink,
    CareLinkKind,
    CareNode,
    CareNodeKind,
    Clinician,
    ClinicianRole,
)
from stores.model.outbox import (  # noqa: F401
    PendingWrite,
    Queued,
)
from stores.model.problems import (  # noqa: F401
    FieldProblem,
)
from stores.model.teaching import (  # noqa: F401
    TeachingSetting,
)
from stores.model.vitals import (  # noqa: F401
    VITAL_LABELS,
    VITAL_RANGES,
    VITAL_UNITS,
    Vital,
    VitalSample,
    VitalTrend,
    Waveform,
    WaveformChunk,
    valid_value,
)
from stores.model.ward import (  # noqa: F401
    MAX_WEIGHT_KG,
    REQUIRED_PATIENT_FIELDS,
    AuditEntry,
    Bed,
    Patient,
    Sex,
    Ward,
    normalised_patient,
    patient_problems,
    patient_text_problems,
)
