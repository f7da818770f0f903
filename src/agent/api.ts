/**
 * The agent's side of the wire: the commands API (`codedeploy-commands`, JSON 1.1), the two public
 * CodeDeploy calls that register the instance, STS GetCallerIdentity and S3 GetObject, all
 * SigV4-signed with the agent's credentials against one endpoint. Network errors, 5xx and
 * throttling are retried with capped exponential backoff; every request has a client timeout, so
 * a server that stops answering never wedges the agent. Requests go through node:http (or https)
 * with keep-alive, not fetch: undici and its web streams cost an idle agent about 14 MiB.
 */
import { createWriteStream } from "node:fs";
import type { ClientRequest, IncomingMessage, RequestOptions } from "node:http";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { signedHeaders, type SigningKey } from "../core/signed-request.js";
import { AgentApiError } from "./errors.js";

/** A host command as PollHostCommand hands it out. */
export interface HostCommand {
  HostCommandIdentifier: string;
  HostIdentifier: string;
  DeploymentExecutionId: string;
  CommandName: string;
  Nonce?: number;
}

/** The commands' status as the server sees it. */
export type CommandStatus = "Pending" | "InProgress" | "Succeeded" | "Failed";

/** `{Format: "JSON", Payload}` as the commands API carries diagnostics. */
export interface Envelope {
  Format: string;
  Payload: string;
}

/** How the client reaches the server. */
export interface AgentApiOptions {
  /** Server URL, e.g. `http://127.0.0.1:4280`. */
  endpoint: string;
  /** Credentials and region requests are signed with. */
  key: SigningKey;
  /** Client timeout of one request other than the long poll, in ms; default 60,000. */
  requestTimeoutMs?: number;
  /** Client timeout of PollHostCommand, a little over the server's ~20 s hold; default 30,000. */
  pollTimeoutMs?: number;
  /** Attempts of one call before it fails (the poll is retried by its loop instead); default 6. */
  maxAttempts?: number;
  /** First backoff delay in ms, doubled per attempt; default 500. */
  backoffBaseMs?: number;
  /** Longest backoff delay in ms; default 20,000. */
  backoffMaxMs?: number;
}

const COMMANDS_TARGET = "CodeDeployCommandService_v20141006";
const PUBLIC_TARGET = "CodeDeploy_20141006";
const RETRYABLE_CODES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "SlowDown",
]);

/** Delay before attempt `attempt` (1-based retry count): base·2^(n-1), capped, with full jitter above half. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** A typed client of everything the agent calls. */
export class AgentApi {
  private readonly endpoint: URL;
  private readonly opts: Required<Omit<AgentApiOptions, "endpoint" | "key">>;

  constructor(private readonly options: AgentApiOptions) {
    this.endpoint = new URL(options.endpoint.endsWith("/") ? options.endpoint : `${options.endpoint}/`);
    this.opts = {
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      pollTimeoutMs: options.pollTimeoutMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 6,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 20_000,
    };
  }

  /**
   * Long-polls for the next command; undefined when the server had none. One attempt (the loop
   * retries with its own backoff); `signal` ends the wait at once (the agent stopping).
   */
  async pollHostCommand(hostIdentifier: string, signal?: AbortSignal): Promise<HostCommand | undefined> {
    const out = await this.json<{ HostCommand?: HostCommand }>(
      "commands",
      "PollHostCommand",
      { HostIdentifier: hostIdentifier },
      { attempts: 1, timeoutMs: this.opts.pollTimeoutMs, ...(signal ? { signal } : {}) },
    );
    return out.HostCommand ?? undefined;
  }

  /** The deployment's specification (its GenericEnvelope). */
  async getDeploymentSpecification(
    deploymentExecutionId: string,
    hostIdentifier: string,
  ): Promise<{
    DeploymentSystem?: string;
    DeploymentSpecification?: { GenericEnvelope?: Envelope };
  }> {
    return this.json("commands", "GetDeploymentSpecification", {
      DeploymentExecutionId: deploymentExecutionId,
      HostIdentifier: hostIdentifier,
    });
  }

  /** Acknowledges a command; Succeeded or Failed means: do not run it. */
  async putHostCommandAcknowledgement(id: string, isNoop: boolean): Promise<CommandStatus> {
    const out = await this.json<{ CommandStatus: CommandStatus }>(
      "commands",
      "PutHostCommandAcknowledgement",
      {
        HostCommandIdentifier: id,
        Diagnostics: { Format: "JSON", Payload: JSON.stringify({ IsCommandNoop: isNoop }) },
      },
    );
    return out.CommandStatus;
  }

  /** The heartbeat of a running command; Failed means it was cancelled. */
  async postHostCommandUpdate(id: string, estimatedCompletionTime?: Date): Promise<CommandStatus> {
    const out = await this.json<{ CommandStatus: CommandStatus }>("commands", "PostHostCommandUpdate", {
      HostCommandIdentifier: id,
      ...(estimatedCompletionTime
        ? { EstimatedCompletionTime: estimatedCompletionTime.getTime() / 1000 }
        : {}),
    });
    return out.CommandStatus;
  }

  /** Reports a command's end with AWS's diagnostics payload. */
  async putHostCommandComplete(id: string, status: "Succeeded" | "Failed", payload: object): Promise<void> {
    await this.json("commands", "PutHostCommandComplete", {
      HostCommandIdentifier: id,
      CommandStatus: status,
      Diagnostics: { Format: "JSON", Payload: JSON.stringify(payload) },
    });
  }

  /** RegisterOnPremisesInstance; true when it registered, false when it was registered already. */
  async registerOnPremisesInstance(instanceName: string, iamSessionArn: string): Promise<boolean> {
    try {
      await this.json("public", "RegisterOnPremisesInstance", { instanceName, iamSessionArn });
      return true;
    } catch (err) {
      const code = err instanceof AgentApiError ? err.code : "";
      if (
        code === "InstanceNameAlreadyRegisteredException" ||
        code === "IamSessionArnAlreadyRegisteredException"
      ) {
        return false;
      }
      throw err;
    }
  }

  /** AddTagsToOnPremisesInstances for this one instance. */
  async addTags(instanceName: string, tags: Array<{ Key: string; Value: string }>): Promise<void> {
    await this.json("public", "AddTagsToOnPremisesInstances", { tags, instanceNames: [instanceName] });
  }

  /** The account of the agent's credentials (STS GetCallerIdentity, Query protocol). */
  async getCallerAccount(): Promise<string> {
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    const text = await this.send("GetCallerIdentity", "sts", {
      method: "POST",
      url: this.endpoint,
      body,
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    }).then((r) => r.text());
    const account = /<Account>\s*(\d{12})\s*<\/Account>/.exec(text)?.[1];
    if (account === undefined)
      throw new AgentApiError(
        "GetCallerIdentity",
        "MalformedResponse",
        undefined,
        "no <Account> in the answer",
      );
    return account;
  }

  /** S3 GetObject (path-style) into `file`. */
  async getObject(input: { bucket: string; key: string; version?: string }, file: string): Promise<void> {
    const url = new URL(
      `${encodeURIComponent(input.bucket)}/${input.key.split("/").map(encodeURIComponent).join("/")}`,
      this.endpoint,
    );
    if (input.version) url.searchParams.set("versionId", input.version);
    const response = await this.send("GetObject", "s3", { method: "GET", url });
    await pipeline(response.body, createWriteStream(file));
  }

  private async json<T>(
    api: "commands" | "public",
    operation: string,
    input: object,
    override: { attempts?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const target = api === "commands" ? COMMANDS_TARGET : PUBLIC_TARGET;
    const response = await this.send(
      operation,
      api === "commands" ? "codedeploy-commands" : "codedeploy",
      {
        method: "POST",
        url: this.endpoint,
        body: JSON.stringify(input),
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${target}.${operation}` },
      },
      override,
    );
    const text = await response.text();
    return (text.trim() === "" ? {} : JSON.parse(text)) as T;
  }

  /** One signed request, retried on network errors, 5xx and throttling; a non-2xx answer becomes AgentApiError. */
  private async send(
    operation: string,
    service: string,
    request: { method: string; url: URL; body?: string; headers?: Record<string, string> },
    override: { attempts?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<HttpAnswer> {
    const attempts = override.attempts ?? this.opts.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      let failure: AgentApiError;
      try {
        const headers = await signedHeaders(request.url, this.options.key, service, {
          method: request.method,
          ...(request.body !== undefined ? { body: request.body } : {}),
          headers: request.headers ?? {},
        });
        const signals = [AbortSignal.timeout(override.timeoutMs ?? this.opts.requestTimeoutMs)];
        if (override.signal) signals.push(override.signal);
        const response = await httpRequest(request.url, {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          signal: AbortSignal.any(signals),
        });
        if (response.ok) return response;
        failure = await errorOf(operation, response);
      } catch (err) {
        if (override.signal?.aborted) throw err;
        failure = new AgentApiError(operation, "NetworkError", undefined, (err as Error).message, {
          cause: err,
        });
      }
      const retryable =
        failure.code === "NetworkError" ||
        (failure.status ?? 0) >= 500 ||
        RETRYABLE_CODES.has(failure.code) ||
        failure.status === 429;
      if (!retryable || attempt >= attempts) throw failure;
      await sleep(backoffDelay(attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs));
    }
  }
}

/** An HTTP answer: the part of fetch's Response the client uses. */
interface HttpAnswer {
  status: number;
  ok: boolean;
  /** The body as it arrives; aborted (an error) when the request's signal fires. */
  body: IncomingMessage;
  text(): Promise<string>;
}

type Requester = (
  url: URL,
  options: RequestOptions,
  callback: (response: IncomingMessage) => void,
) => ClientRequest;

/** `request` of node:http or node:https, loaded once per protocol (TLS only for https). */
const transports = new Map<string, Promise<Requester>>();

/** One request; resolves when the answer's head arrives. `signal` aborts it, its body included. */
async function httpRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<HttpAnswer> {
  let transport = transports.get(url.protocol);
  if (transport === undefined) {
    transport =
      url.protocol === "https:"
        ? import("node:https").then((m) => m.request)
        : import("node:http").then((m) => m.request);
    transports.set(url.protocol, transport);
  }
  const request = await transport;
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
  const body = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: init.method, headers, signal: init.signal }, resolve);
    req.once("error", reject);
    req.end(init.body);
  });
  const status = body.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    body,
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

async function errorOf(operation: string, response: HttpAnswer): Promise<AgentApiError> {
  const text = await response.text().catch(() => "");
  let code = `HTTP${response.status}`;
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
    if (body.__type) code = body.__type.split("#").pop()!;
    message = body.message ?? body.Message ?? message;
  } catch {
    const xmlCode = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    if (xmlCode) code = xmlCode;
    message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? message;
  }
  return new AgentApiError(operation, code, response.status, message);
}
