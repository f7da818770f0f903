/**
 * `runtime-versions` against the host's tools. Builds run with the machine's tools (no images yet),
 * so a requested runtime is satisfied when the tool on PATH has the same major version (and minor,
 * when the request names one, e.g. python 3.12). One that cannot be provided fails INSTALL, with
 * the message AWS gives for an unknown version, listing what is available. The tools are asked
 * inside the build's sandbox, with the build's PATH (which its buildspec may have changed).
 */
import type { Workspace } from "../workspace/index.js";
import { BuildStepError, CONTEXT } from "./errors.js";

/** How to ask the host for a runtime's version: program, arguments, and where the version is. */
const PROBES: Record<string, { command: string; args: string[]; pattern: RegExp }> = {
  nodejs: { command: "node", args: ["--version"], pattern: /v?(\d+(?:\.\d+)*)/ },
  python: { command: "python3", args: ["--version"], pattern: /Python (\d+(?:\.\d+)*)/ },
  java: { command: "java", args: ["-version"], pattern: /version "(\d+(?:\.\d+)*)/ },
  golang: { command: "go", args: ["version"], pattern: /go(\d+(?:\.\d+)*)/ },
  ruby: { command: "ruby", args: ["--version"], pattern: /ruby (\d+(?:\.\d+)*)/ },
  php: { command: "php", args: ["--version"], pattern: /PHP (\d+(?:\.\d+)*)/ },
  dotnet: { command: "dotnet", args: ["--version"], pattern: /(\d+(?:\.\d+)*)/ },
};
const ALIASES: Record<string, string> = { node: "nodejs", corretto: "java", go: "golang" };

/** One runtime as resolved: what was asked and what the host has. */
export interface ResolvedRuntime {
  runtime: string;
  requested: string;
  /** The host's version, e.g. `20.19.0`. */
  version: string;
}

/**
 * Resolves each `runtime: version` against the versions the build environment has
 * ({@link buildVersions}).
 * @throws BuildStepError FAILED (YAML_FILE_ERROR, as AWS reports an unknown runtime version).
 */
export async function resolveRuntimeVersions(
  requested: Record<string, string>,
  versions: () => Promise<Record<string, string>>,
): Promise<ResolvedRuntime[]> {
  const resolved: ResolvedRuntime[] = [];
  let available: Record<string, string> | undefined;
  for (const [name, want] of Object.entries(requested)) {
    available ??= await versions();
    const runtime = ALIASES[name] ?? name;
    const have = available[runtime];
    if (have === undefined) {
      const list = Object.entries(available).map(([r, v]) => `${r} ${v}`);
      throw new BuildStepError("FAILED", {
        statusCode: CONTEXT.yamlFile,
        message: `Unknown runtime named '${name}'. This build environment has the following runtimes: ${list.join(", ") || "none"}`,
      });
    }
    if (!versionMatches(want, have)) {
      throw new BuildStepError("FAILED", {
        statusCode: CONTEXT.yamlFile,
        message: `Unknown runtime version named '${want}' of ${name}. This build environment has the following versions: ${have}`,
      });
    }
    resolved.push({ runtime: name, requested: want, version: have });
  }
  return resolved;
}

/** `latest`, `20`, `20.x`, `3.12` against a host version such as `20.19.0`. */
export function versionMatches(want: string, have: string): boolean {
  const w = String(want).trim().toLowerCase();
  if (w === "latest" || w === "x") return true;
  const wanted = w.split(".").filter((part) => part !== "x" && part !== "*");
  const actual = have.split(".");
  return wanted.every((part, i) => actual[i] === part);
}

/**
 * Every known runtime's version in the build's sandbox, runtime → version, found by one helper
 * that runs each tool's version command with `path` as PATH.
 */
export async function buildVersions(workspace: Workspace, path: string): Promise<Record<string, string>> {
  const probes = Object.entries(PROBES);
  const script = [
    "PATH=$1; export PATH",
    ...probes.map(
      ([, p]) =>
        `{ timeout 10 ${[p.command, ...p.args].join(" ")} 2>&1 || true; } | head -c 4096; printf '\\0'`,
    ),
  ].join("\n");
  const result = await workspace.run(["sh", "-c", script, "sh", path]);
  const outputs = result.stdout.toString("utf8").split("\0");
  const versions: Record<string, string> = {};
  probes.forEach(([runtime, probe], i) => {
    const version = probe.pattern.exec(outputs[i] ?? "")?.[1];
    if (version !== undefined) versions[runtime] = version;
  });
  return versions;
}
