// Health check of mongo1, run by mongosh every few seconds. It also sets the stack up, once:
// - on the first start it initiates the replica set rs0 (mongo1, mongo2, mongo3);
// - once mongo1 is primary it creates the station's user "ward" in the admin database.
// Healthy (exit 0) when this member is primary or secondary and the user "ward" exists.
//
// Members are named by their container names, each on its own port, so that the same names and
// ports work inside the compose network and, through /etc/hosts, from the host (see
// docs/operations.md). mongo1 has the highest priority: it is primary after the first start, and
// takes the role back once it has caught up after a failover drill.

const REPLICA_SET = {
  _id: 'rs0',
  members: [
    { _id: 0, host: 'mongo1:27017', priority: 2 },
    { _id: 1, host: 'mongo2:27018', priority: 1 },
    { _id: 2, host: 'mongo3:27019', priority: 1 },
  ],
};
const PRIMARY = 1;
const SECONDARY = 2;
const NOT_YET_INITIALIZED = 94;

const admin = db.getSiblingDB('admin');
// The administrator is created by the image's entrypoint on the first start.
admin.auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD);

function replicaSetStatus() {
  try {
    return admin.runCommand({ replSetGetStatus: 1 });
  } catch (error) {  // mongosh throws for a command that fails
    return { ok: 0, code: error.code };
  }
}

const status = replicaSetStatus();
if (status.code === NOT_YET_INITIALIZED) {
  rs.initiate(REPLICA_SET);
  quit(1);  // healthy on a later check, once a primary is elected
}
if (status.ok !== 1) {
  quit(1);  // e.g. the entrypoint's temporary server, which runs without --replSet
}
if (status.myState === PRIMARY && admin.getUser('ward') === null) {
  admin.createUser({
    user: 'ward',
    pwd: process.env.MONGO_WARD_PASSWORD,
    // Any database: the integration tests give every test a database of its own.
    // dbAdmin: indexes and the $jsonSchema validator (collMod), dropping a test's database.
    roles: ['readWriteAnyDatabase', 'dbAdminAnyDatabase'],
  });
}
const serving = status.myState === PRIMARY || status.myState === SECONDARY;
quit(serving && admin.getUser('ward') !== null ? 0 : 1);
