// S3 operations the console calls. S3 has no JSON protocol: its REST API is reached under
// /_/console/s3/ (path-style, as the session's principal), and its errors are XML.
import { AwsError, CONSOLE_BASE, CONSOLE_HEADER } from "../api";

/** S3's `<Error><Code>…</Code><Message>…</Message></Error>` as an AwsError. */
async function s3Error(response: Response): Promise<AwsError> {
  if (response.status === 401) return new AwsError("NotSignedIn", "Sign in to the console first.", 401);
  const text = await response.text();
  const document = new DOMParser().parseFromString(text, "application/xml");
  const code = document.querySelector("Error > Code")?.textContent;
  const message = document.querySelector("Error > Message")?.textContent;
  return new AwsError(
    code || "HttpError",
    message || `The server answered ${response.status} ${response.statusText}`.trim(),
    response.status,
  );
}

/** CreateBucket; outside us-east-1 the bucket's location is the region, as the CLI sends it. */
export async function createBucket(bucket: string, region: string): Promise<void> {
  const body =
    region === "us-east-1"
      ? undefined
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
  let response: Response;
  try {
    response = await fetch(`${CONSOLE_BASE}/s3/${encodeURIComponent(bucket)}`, {
      method: "PUT",
      credentials: "same-origin",
      headers: { ...CONSOLE_HEADER, ...(body ? { "Content-Type": "application/xml" } : {}) },
      ...(body ? { body } : {}),
    });
  } catch (cause) {
    throw new AwsError("NetworkError", `Could not reach the server: ${String(cause)}`, 0);
  }
  if (!response.ok) throw await s3Error(response);
}
