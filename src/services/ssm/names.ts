import { formatArn, parseArn } from "../../core/index.js";
import { ssmError, validationError } from "./errors.js";

/** Longest fully qualified parameter name AWS accepts (the model's 2048 leaves room for the ARN). */
export const MAX_NAME_LENGTH = 1011;
/** Deepest hierarchy AWS accepts: `/L1/…/L14/name` is fifteen levels. */
export const MAX_LEVELS = 15;

const SEGMENT = /^[a-zA-Z0-9_.-]+$/;
const RESERVED = /^(aws|ssm)/i;

const NAME_RULE =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const SSM_PATH_RULE =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const PATH_RULE =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.';

/** The ARN of parameter `name`: AWS drops a leading slash, so `/a/b` is `…:parameter/a/b`. */
export function parameterArn(accountId: string, region: string, name: string): string {
  return formatArn({ service: "ssm", region, accountId, resource: `parameter/${name.replace(/^\//, "")}` });
}

/**
 * Checks a name that is about to be written, with AWS's rules and messages: letters, digits and
 * `_.-` in `/`-separated segments, a leading `/` on any hierarchy, at most 15 levels and 1011
 * characters, nothing that starts with `aws` or `ssm` (any case). Throws the error AWS would.
 */
export function checkNameForWrite(name: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw validationError(
      `Parameter name: ${name.length} characters is too long; a fully qualified name can have at most ${MAX_NAME_LENGTH}.`,
    );
  }
  const bare = name.startsWith("/") ? name.slice(1) : name;
  if (RESERVED.test(bare)) {
    const isPath = name.split("/").length > 2;
    if (isPath && /^aws/i.test(bare)) {
      throw ssmError("AccessDeniedException", `No access to reserved parameter name: ${name}.`);
    }
    throw validationError(
      isPath ? SSM_PATH_RULE : 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
    );
  }
  if (name.includes("/") && !name.startsWith("/")) {
    throw validationError("Parameter name must be a fully qualified name.");
  }
  const segments = bare.split("/");
  if (!segments.every((s) => SEGMENT.test(s))) throw validationError(NAME_RULE);
  if (segments.length > MAX_LEVELS) {
    throw ssmError(
      "HierarchyLevelLimitExceededException",
      `A hierarchy can have a maximum of ${MAX_LEVELS} levels; ${name} has ${segments.length}.`,
    );
  }
}

/**
 * Checks a path for GetParametersByPath or a `Path` filter and returns it without a trailing `/`
 * (except `/` itself). Paths must start with `/`; reading under `/aws` is allowed, as AWS allows it
 * for its public parameters.
 */
export function normalizePath(path: string): string {
  if (!path.startsWith("/")) throw validationError(PATH_RULE);
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  if (trimmed === "/") return trimmed;
  const segments = trimmed.slice(1).split("/");
  if (!segments.every((s) => SEGMENT.test(s)) || /^ssm/i.test(segments[0] ?? "")) {
    throw validationError(PATH_RULE);
  }
  if (segments.length > MAX_LEVELS) {
    throw ssmError(
      "HierarchyLevelLimitExceededException",
      `A hierarchy can have a maximum of ${MAX_LEVELS} levels; ${path} has ${segments.length}.`,
    );
  }
  return trimmed;
}

/** True when `name` lies under `path` (normalised): directly, or at any depth when `recursive`. */
export function isUnderPath(name: string, path: string, recursive: boolean): boolean {
  // Names without a leading slash (`foo`) sit at the root, beside `/foo`, as AWS lists them.
  if (path === "/") return recursive || name.lastIndexOf("/") <= 0;
  const prefix = `${path}/`;
  if (!name.startsWith(prefix)) return false;
  return recursive || !name.slice(prefix.length).includes("/");
}

/** What a caller asked for: `name`, `name:version`, `name:label`, or any of those as an ARN. */
export interface ParameterRef {
  /** The text as sent, for error messages. */
  requested: string;
  /**
   * Names the reference may mean, in order. An ARN drops the leading slash, so `…:parameter/x`
   * means `x` or `/x`; a plain name means itself.
   */
  candidates: string[];
  /** The part after `:`, when given. */
  selector?: string;
}

/**
 * Parses a parameter reference for this account and region; undefined when it cannot name any
 * parameter (an ARN of another account, region or service, or more than one selector), which
 * callers report as not found, as AWS does.
 */
export function parseParameterRef(
  requested: string,
  accountId: string,
  region: string,
): ParameterRef | undefined {
  let text = requested;
  let fromArn = false;
  if (requested.startsWith("arn:")) {
    const arn = parseArn(requested);
    if (!arn || arn.service !== "ssm" || arn.accountId !== accountId || arn.region !== region)
      return undefined;
    if (!arn.resource.startsWith("parameter/")) return undefined;
    text = arn.resource.slice("parameter/".length);
    fromArn = true;
  }
  const parts = text.split(":");
  if (parts.length > 2 || !parts[0]) return undefined;
  const name = parts[0];
  const selector = parts[1];
  if (selector === "") return undefined;
  const candidates = !fromArn ? [name] : name.includes("/") ? [`/${name}`] : [name, `/${name}`];
  return selector === undefined ? { requested, candidates } : { requested, candidates, selector };
}

/** The ARN an IAM check uses for a reference: its parameter's ARN, selector dropped. */
export function refArn(requested: string, accountId: string, region: string): string {
  const name = parseParameterRef(requested, accountId, region)?.candidates[0] ?? requested;
  return parameterArn(accountId, region, name);
}
