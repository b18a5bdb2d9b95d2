/*
 * @pulumi/pulumi requires @npmcli/arborist (and with it pacote, sigstore, tuf: ~600 modules) when it loads, for
 * computeCodePaths, which this program never calls. Jest gives every test file a fresh module registry, so each suite
 * would load them again; this stand-in loads the real package on first use instead, behaving the same when used.
 */
const path = require("path");

let arborist;
const load = () => (arborist ??= require(require.resolve("@npmcli/arborist", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] })));

// `__esModule` makes TypeScript's __importStar return this proxy as is rather than copying (and so loading) every export.
module.exports = new Proxy({}, { get: (_, key) => (key === "__esModule" ? true : load()[key]) });
