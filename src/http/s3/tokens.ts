import { s3Error } from "../../services/s3/index.js";

/** An opaque continuation token for a position (a key or bucket name). */
export function encodeToken(position: string): string {
  return Buffer.from(`v1:${position}`, "utf8").toString("base64url");
}

/** The position a continuation token stands for; a token not made by {@link encodeToken} is InvalidArgument. */
export function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith("v1:")) {
    throw s3Error("InvalidArgument", "The continuation token provided is incorrect", {
      ArgumentName: "continuation-token",
      ArgumentValue: token,
    });
  }
  return text.slice(3);
}

/** S3's `encoding-type=url` encoding of a key: percent-encoding that keeps `/` (so `+` is `%2B`). */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, "/");
}
