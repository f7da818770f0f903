// The one way the console talks to AWS APIs: the server's /_/console/api proxy signs each call
// with the session's credentials, so the page sends the operation's JSON input and nothing secret.

export const CONSOLE_BASE = "/_/console";

export const CodeCommit = "CodeCommit_20150413";
export const CodeBuild = "CodeBuild_20161006";
export const CodePipeline = "CodePipeline_20150709";
export const CodeDeploy = "CodeDeploy_20141006";
export const SSM = "AmazonSSM";
export const SecretsManager = "secretsmanager";

export type TargetPrefix =
  | typeof CodeCommit
  | typeof CodeBuild
  | typeof CodePipeline
  | typeof CodeDeploy
  | typeof SSM
  | typeof SecretsManager;

/** An AWS error (`__type` + `message`), or the console's own `NotSignedIn` when the session ended. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "AwsError";
  }
}

export const NOT_SIGNED_IN = "NotSignedIn";

export function isNotSignedIn(error: unknown): boolean {
  return error instanceof AwsError && error.code === NOT_SIGNED_IN;
}

/** Marks a request as the console's own, which the server requires against cross-site requests. */
export const CONSOLE_HEADER = { "X-Pipewright-Console": "1" } as const;

// AWS JSON protocols may qualify the code ("com.amazonaws.codecommit#RepositoryNameExistsException")
// or append details after a colon; the console matches on the bare code.
function bareCode(type: string): string {
  const afterHash = type.slice(type.lastIndexOf("#") + 1);
  const colon = afterHash.indexOf(":");
  return colon === -1 ? afterHash : afterHash.slice(0, colon);
}

/** Turns a failed response into an AwsError, whichever of the two error shapes the server sent. */
export async function errorFrom(response: Response): Promise<AwsError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    const nested = record.error;
    if (typeof nested === "object" && nested !== null) {
      const { code, message } = nested as Record<string, unknown>;
      if (typeof code === "string") {
        return new AwsError(code, typeof message === "string" ? message : code, response.status);
      }
    }
    const type = record.__type ?? record.code;
    const message = record.message ?? record.Message;
    if (typeof type === "string") {
      return new AwsError(bareCode(type), typeof message === "string" ? message : type, response.status);
    }
  }
  return new AwsError(
    response.status === 401 ? NOT_SIGNED_IN : "HttpError",
    `The server answered ${response.status} ${response.statusText}`.trim(),
    response.status,
  );
}

/** Calls `<target>.<operation>` with the operation's AWS input and returns its AWS output. */
export async function callAws<Output>(target: `${TargetPrefix}.${string}`, input: object): Promise<Output> {
  let response: Response;
  try {
    response = await fetch(`${CONSOLE_BASE}/api`, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": target,
        ...CONSOLE_HEADER,
      },
      body: JSON.stringify(input),
    });
  } catch (cause) {
    throw new AwsError("NetworkError", `Could not reach the server: ${String(cause)}`, 0);
  }
  if (!response.ok) throw await errorFrom(response);
  const text = await response.text();
  return (text === "" ? {} : JSON.parse(text)) as Output;
}
