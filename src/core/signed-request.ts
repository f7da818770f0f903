/**
 * SigV4-signed requests from Pipewright's own clients (the `pipewright` commands, the deploy agent),
 * signed as the AWS SDK would sign them. One signer for every client process.
 */

/** The key and region a request is signed with. */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/**
 * Signs a request of `method` to `url` for `service`; returns the headers to send (without `host`,
 * which fetch sets itself, to the same value).
 */
export async function signedHeaders(
  url: URL,
  key: SigningKey,
  service: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Record<string, string>> {
  // Loaded here, not at the top: every other command (`pipewright build` above all) starts faster.
  const [{ Sha256 }, { SignatureV4 }] = await Promise.all([
    import("@aws-crypto/sha256-js"),
    import("@smithy/signature-v4"),
  ]);
  const signer = new SignatureV4({ credentials: key, region: key.region, service, sha256: Sha256 });
  const signed = await signer.sign({
    method: init.method ?? "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const headers: Record<string, string> = { ...signed.headers };
  delete headers.host;
  return headers;
}
