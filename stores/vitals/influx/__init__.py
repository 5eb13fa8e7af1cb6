"""The InfluxDB vitals backend: the store (`store`), its HTTP API client (`http`), line protocol
(`lines`), InfluxQL (`ql`), the rollups (`rollup`, `rollup_trend`), waveforms, the database's
set-up (`admin`, `buckets`), URL options (`config`), errors, and its spec. Imports nothing here,
so that the spec can be read without the driver."""
