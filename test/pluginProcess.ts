import { ChildProcess, spawn } from "child_process";
import * as path from "path";

/** Where the gRPC stubs and their runtime live: inside @pulumi/pulumi, as every plugin process loads them. */
export const PROTO_DIR = path.dirname(require.resolve("@pulumi/pulumi/proto/provider_pb"));
export const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PROTO_DIR] }));
export const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [PROTO_DIR] }));
export const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [PROTO_DIR] }));

export interface PluginProcess {
    readonly process: ChildProcess;
    readonly address: string;
}

/**
 * Starts a plugin as the Pulumi CLI does (node running one of @pulumi/pulumi's `cmd` runners, resolved from the
 * plugin's directory) and waits for the port it prints on its first line of output. The language host runs a policy
 * pack in its own folder and any other plugin in the program's working directory (`cwd`).
 */
export function startPlugin(runner: string, dir: string, args: readonly string[], cwd: string = dir): Promise<PluginProcess> {
    const child = spawn(process.execPath, [require.resolve(runner, { paths: [dir] }), ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (chunk) => {
            stdout += chunk;
            const match = /^(\d+)\s*$/m.exec(stdout);
            if (match) {
                resolve({ process: child, address: `127.0.0.1:${match[1]}` });
            }
        });
        child.stderr?.on("data", (chunk) => (stderr += chunk));
        child.on("exit", (code) => reject(new Error(`${runner} in ${dir} exited with ${code}:\n${stderr}${stdout}`)));
    });
}

/** Calls a unary gRPC method as a promise. */
export function unary<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))));
}
