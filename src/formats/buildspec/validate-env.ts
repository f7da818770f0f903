/** The `env` section: shell, variables, parameter-store, secrets-manager, exported-variables, git-credential-helper. */
import { isScalar, isSeq, type Node } from "yaml";
import { describe, isEmpty, scalarText, type Entry, type Field, type ParseContext } from "./context.js";
import { readBoolean, readString, readStringList, readStringMap } from "./readers.js";
import { parseSecretsManagerReference } from "./secrets-manager.js";
import { BUILD_SHELLS, type BuildShell, type BuildspecEnv, type SecretsManagerReference } from "./types.js";

const ENV_KEYS = [
  "shell",
  "variables",
  "parameter-store",
  "secrets-manager",
  "exported-variables",
  "git-credential-helper",
] as const;

/** An `env` with nothing in it: what a buildspec without `env` gets. */
export function emptyEnv(): BuildspecEnv {
  return {
    shell: undefined,
    variables: {},
    parameterStore: {},
    secretsManager: {},
    exportedVariables: [],
    gitCredentialHelper: false,
  };
}

/** Validates `env` and returns it typed; problems go to the context's diagnostics. */
export function validateEnv(ctx: ParseContext, field: Field): BuildspecEnv {
  const env = emptyEnv();
  const entries = ctx.entries(field);
  if (entries === undefined) return env;
  ctx.warnUnknownKeys(entries, ENV_KEYS, "an env key");
  const reserved = (entry: Entry): void => warnReservedName(ctx, entry);
  for (const entry of entries) {
    switch (entry.key) {
      case "shell":
        env.shell = readShell(ctx, entry);
        break;
      case "variables":
        // Numbers and booleans are accepted and passed on as written; an empty value is "".
        env.variables = readStringMap(ctx, entry, { emptyAs: "", checkEntry: reserved }) ?? {};
        break;
      case "parameter-store":
        env.parameterStore =
          readStringMap(ctx, entry, { valueName: "a parameter name", checkEntry: reserved }) ?? {};
        break;
      case "secrets-manager":
        env.secretsManager = readSecrets(ctx, entry, reserved);
        break;
      case "exported-variables":
        env.exportedVariables = readStringList(ctx, entry) ?? [];
        break;
      case "git-credential-helper":
        env.gitCredentialHelper = readBoolean(ctx, entry);
        break;
    }
  }
  const exported = entries.find((e) => e.key === "exported-variables");
  if (exported !== undefined) checkExported(ctx, exported, env);
  return env;
}

/** Supported shell tags are `bash` and `/bin/sh` on Linux, `powershell.exe` and `cmd.exe` on Windows. */
function readShell(ctx: ParseContext, field: Field): BuildShell | undefined {
  const text = readString(ctx, field);
  if (text === undefined) return undefined;
  const shell = BUILD_SHELLS.find((s) => s === text);
  if (shell === undefined) {
    ctx.error(field.at, field.path, `must be one of ${BUILD_SHELLS.join(", ")}, got ${JSON.stringify(text)}`);
    return undefined;
  }
  if (shell === "powershell.exe" || shell === "cmd.exe") {
    ctx.warn(
      field.at,
      field.path,
      `is a Windows shell; Pipewright runs builds on Linux with bash or /bin/sh`,
    );
  }
  return shell;
}

function readSecrets(
  ctx: ParseContext,
  field: Field,
  checkEntry: (entry: Entry) => void,
): Record<string, SecretsManagerReference> {
  const entries = ctx.entries(field);
  if (entries === undefined) return {};
  const out: [string, SecretsManagerReference][] = [];
  for (const entry of entries) {
    checkEntry(entry);
    if (isEmpty(entry.node) || !isScalar(entry.node)) {
      ctx.error(
        entry.at,
        entry.path,
        `must be a reference secret-id:json-key:version-stage:version-id, got ${describe(entry.node)}`,
      );
      continue;
    }
    const parsed = parseSecretsManagerReference(scalarText(entry.node));
    if (parsed.ok) out.push([entry.key, parsed.value]);
    else ctx.error(entry.at, entry.path, parsed.message);
  }
  return Object.fromEntries(out);
}

/** Do not set a variable whose name starts with CODEBUILD_: that prefix is reserved for CodeBuild. */
function warnReservedName(ctx: ParseContext, entry: Entry): void {
  if (entry.key.startsWith("CODEBUILD_")) {
    ctx.warn(
      entry.keyAt,
      entry.path,
      "uses the CODEBUILD_ prefix, which is reserved for CodeBuild's own variables",
    );
  }
}

/**
 * Exported variables are read at the end of the build; variables from Parameter Store or Secrets
 * Manager, and names starting with AWS_, cannot be exported.
 */
function checkExported(ctx: ParseContext, field: Field, env: BuildspecEnv): void {
  if (!isSeq(field.node)) return;
  field.node.items.forEach((raw, index) => {
    const item = ctx.field(raw as Node, `${field.path}[${index}]`, field.at);
    if (!isScalar(item.node)) return;
    const name = scalarText(item.node);
    if (name.startsWith("AWS_")) {
      ctx.warn(item.at, item.path, `(${name}) cannot be exported: names starting with AWS_ are reserved`);
    } else if (name in env.parameterStore || name in env.secretsManager) {
      ctx.warn(item.at, item.path, `(${name}) comes from a secret store and cannot be exported`);
    }
  });
}
