/**
 * `runtime-versions` against the host's tools. Builds run with the machine's tools (no images yet),
 * so a requested runtime is satisfied when the tool on PATH has the same major version (and minor,
 * when the request names one, e.g. python 3.12). One that cannot be provided fails INSTALL, with
 * the message AWS gives for an unknown version, listing what is available.
 */
import { execFile } from "node:child_process";
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
 * Resolves each `runtime: version` against the host, with the build's PATH.
 * @throws BuildStepError FAILED (YAML_FILE_ERROR, as AWS reports an unknown runtime version).
 */
export async function resolveRuntimeVersions(
  requested: Record<string, string>,
  path: string,
): Promise<ResolvedRuntime[]> {
  const resolved: ResolvedRuntime[] = [];
  for (const [name, want] of Object.entries(requested)) {
    const runtime = ALIASES[name] ?? name;
    const probe = PROBES[runtime];
    const have = probe ? await hostVersion(probe, path) : undefined;
    if (have === undefined) {
      const available = await availableRuntimes(path);
      throw new BuildStepError("FAILED", {
        statusCode: CONTEXT.yamlFile,
        message: `Unknown runtime named '${name}'. This build environment has the following runtimes: ${available.join(", ") || "none"}`,
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

async function availableRuntimes(path: string): Promise<string[]> {
  const found: string[] = [];
  for (const [runtime, probe] of Object.entries(PROBES)) {
    const version = await hostVersion(probe, path);
    if (version !== undefined) found.push(`${runtime} ${version}`);
  }
  return found;
}

function hostVersion(probe: { command: string; args: string[]; pattern: RegExp }, path: string) {
  return new Promise<string | undefined>((resolve) => {
    execFile(probe.command, probe.args, { env: { PATH: path }, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) return resolve(undefined);
      resolve(probe.pattern.exec(`${stdout}\n${stderr}`)?.[1]);
    });
  });
}
