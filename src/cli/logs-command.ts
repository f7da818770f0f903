import type { Command } from "commander";
import { DEFAULT_ENDPOINT, exitWith, resolveAws, serverOptions } from "./aws-config.js";
import { signedHeaders, type SigningKey } from "../core/signed-request.js";

interface LogsFlags {
  follow?: boolean;
  endpoint?: string;
  dataDir?: string;
}

/** How a build's `end` event describes it. */
interface EndInfo {
  buildStatus?: string;
  buildComplete: boolean;
}

/** Times a followed stream reconnects without getting a line before giving up. */
const MAX_RETRIES = 5;

/**
 * `pipewright logs build <id> [--follow]`: prints a build's log from a server, over the live log
 * stream (`GET /_/codebuild/builds/<id>/logs/stream`). With `--follow`, prints lines as they come
 * until the build ends; exit code 0 when it SUCCEEDED, 1 otherwise (and on any error).
 */
export function registerLogsCommand(program: Command): void {
  const logs = program.command("logs").description("read logs from a Pipewright server");
  serverOptions(
    logs
      .command("build <id>")
      .description("print a build's log (project:uuid or build ARN); --follow streams it until it ends")
      .option("-f, --follow", "keep printing new lines until the build ends; exit 0 only if it SUCCEEDED"),
  ).action((id: string, flags: LogsFlags) => exitWith(() => printBuildLog(id, flags)));
}

async function printBuildLog(id: string, given: LogsFlags): Promise<number> {
  const credentials = resolveAws({
    dataDir: given.dataDir,
    endpoint: given.endpoint,
    defaultEndpoint: DEFAULT_ENDPOINT,
  });
  const flags = { ...given, endpoint: credentials.endpoint };
  let after: number | undefined;
  for (let retries = 0; ;) {
    const result = await readStream(id, flags, credentials, after);
    if (result.end) {
      if (!flags.follow) return 0;
      return result.end.buildStatus === "SUCCEEDED" ? 0 : 1;
    }
    // The connection dropped before the build ended (a restart, a proxy): resume after the last line.
    retries = result.after !== after ? 1 : retries + 1;
    if (retries > MAX_RETRIES) throw new Error(`the log stream of ${id} keeps closing before the build ends`);
    after = result.after;
    await new Promise((resolve) => setTimeout(resolve, 500 * retries));
  }
}

/** One connection: prints every line it gets; returns the last line's id and the `end` event, if any. */
async function readStream(
  id: string,
  flags: LogsFlags,
  credentials: SigningKey,
  after: number | undefined,
): Promise<{ after: number | undefined; end?: EndInfo }> {
  const url = new URL(`/_/codebuild/builds/${encodeURIComponent(id)}/logs/stream`, flags.endpoint);
  if (!flags.follow) url.searchParams.set("follow", "false");
  const headers = await signGet(url, credentials, after);
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch (err) {
    if (after !== undefined) return { after };
    throw new Error(`cannot reach ${flags.endpoint}: ${(err as { cause?: Error }).cause?.message ?? err}`, {
      cause: err,
    });
  }
  if (response.status !== 200 || !response.body) {
    throw new Error(`${response.status} from ${flags.endpoint}: ${(await response.text()).trim()}`);
  }
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      const blocks = buffer.split("\n\n");
      buffer = blocks.pop() ?? "";
      let out = "";
      for (const block of blocks) {
        const event = parseEvent(block);
        if (event.type === "end") {
          await write(out);
          return { after, end: JSON.parse(event.data) as EndInfo };
        }
        if (event.id !== undefined && event.data !== "") {
          out += `${(JSON.parse(event.data) as { message: string }).message}\n`;
          after = Number(event.id);
        }
      }
      await write(out);
    }
  } catch {
    // The connection broke mid-stream: the caller resumes after the last line printed.
  }
  return { after };
}

/** One Server-Sent Event block (comments and unknown fields are ignored). */
function parseEvent(block: string): { type: string; id?: string; data: string } {
  const event: { type: string; id?: string; data: string } = { type: "message", data: "" };
  for (const line of block.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const value = line.slice(colon + 1).replace(/^ /, "");
    const field = line.slice(0, colon);
    if (field === "event") event.type = value;
    else if (field === "id") event.id = value;
    else if (field === "data") event.data += value;
  }
  return event;
}

/** Writes to stdout, waiting when the pipe is full so a slow reader never makes this buffer. */
async function write(text: string): Promise<void> {
  if (text === "" || process.stdout.write(text)) return;
  await new Promise((resolve) => process.stdout.once("drain", resolve));
}

/** SigV4 headers of a GET of `url` for service `codebuild`, as the AWS SDK would sign it. */
async function signGet(url: URL, credentials: SigningKey, after: number | undefined) {
  const headers = await signedHeaders(url, credentials, "codebuild");
  headers.accept = "text/event-stream";
  // Not signed: a resumed request is the same request, from a later line.
  if (after !== undefined) headers["last-event-id"] = String(after);
  return headers;
}
