// commander requires node:child_process at load time, only to run executable
// subcommands, which fraiseql-deploy never has. Loading it (with net and dgram)
// cost ~7 ms of every start, --help included; this defers it to first use.
let real;
const load = () => (real ??= require("node:child_process"));
module.exports = new Proxy({}, { get: (_target, key) => load()[key], has: (_target, key) => key in load() });
