"""The lab: real servers on loopback for trainers and for the tests (Neo4j and a three-node
Cassandra from Maven Central so far), started from what `ward-station lab fetch` put in the
user's cache folder."""
