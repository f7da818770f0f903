import { ownerOf, s3Error, type ObjectSummary } from "../../services/s3/index.js";
import { checksumElement, xmlReply, type Route, type S3Call } from "./call.js";
import { intParam } from "./request.js";
import { decodeToken, encodeToken, urlEncodeKey } from "./tokens.js";
import { el, isoTime, node, ownerXml, xmlDocument, type XmlChild } from "./xml.js";

/** `encoding-type=url` makes every key-like value percent-encoded; anything else is refused. */
function keyEncoder(query: Map<string, string>): (value: string | undefined) => string | undefined {
  const type = query.get("encoding-type");
  if (type === undefined) return (v) => v;
  if (type !== "url") {
    throw s3Error("InvalidArgument", "Invalid Encoding Method specified in Request", {
      ArgumentName: "encoding-type",
      ArgumentValue: type,
    });
  }
  return (v) => (v === undefined ? undefined : urlEncodeKey(v));
}

function maxKeysOf(query: Map<string, string>): number {
  const maxKeys = intParam(query, "max-keys", 1000)!;
  if (maxKeys < 0) {
    throw s3Error("InvalidArgument", "maxKeys should be non-negative", {
      ArgumentName: "max-keys",
      ArgumentValue: String(maxKeys),
    });
  }
  return maxKeys;
}

function contentsXml(o: ObjectSummary, encode: (v: string) => string | undefined, owner: XmlChild): string {
  return node("Contents", [
    el("Key", encode(o.key)),
    el("LastModified", isoTime(o.lastModified)),
    el("ETag", o.etag),
    el("ChecksumAlgorithm", o.checksumAlgorithm),
    el("Size", o.size),
    owner,
    el("StorageClass", "STANDARD"),
  ]);
}

async function list(call: S3Call, after: string | undefined) {
  const { query } = call;
  const encode = keyEncoder(query);
  const maxKeys = maxKeysOf(query);
  const listing = await call.s3.listObjects({
    bucket: call.bucket,
    prefix: query.get("prefix"),
    delimiter: query.get("delimiter"),
    maxKeys,
    after,
  });
  const prefixes = listing.commonPrefixes.map((p) => node("CommonPrefixes", [el("Prefix", encode(p))]));
  return { query, encode, maxKeys, listing, prefixes };
}

/** ListObjectsV2 (`GET /bucket?list-type=2`). */
export const listObjectsV2Route: Route = {
  operation: "ListObjectsV2",
  action: "s3:ListBucket",
  async handle(call) {
    const token = call.query.get("continuation-token");
    const startAfter = call.query.get("start-after");
    const after = token !== undefined ? decodeToken(token) : startAfter;
    const { query, encode, maxKeys, listing, prefixes } = await list(call, after);
    const owner = query.get("fetch-owner") === "true" ? ownerXml(ownerOf(call.caller.accountId)) : undefined;
    return xmlReply(
      xmlDocument("ListBucketResult", [
        el("Name", call.bucket),
        el("Prefix", encode(query.get("prefix") ?? "")),
        el("Delimiter", encode(query.get("delimiter"))),
        el("MaxKeys", maxKeys),
        el("EncodingType", query.get("encoding-type")),
        el("KeyCount", listing.objects.length + listing.commonPrefixes.length),
        el("IsTruncated", listing.isTruncated),
        el("ContinuationToken", token),
        el(
          "NextContinuationToken",
          listing.isTruncated && listing.last !== undefined ? encodeToken(listing.last) : undefined,
        ),
        el("StartAfter", encode(startAfter)),
        ...listing.objects.map((o) => contentsXml(o, (v) => encode(v), owner)),
        ...prefixes,
      ]),
    );
  },
};

/** ListObjects, version 1 (`GET /bucket`), which `aws s3 ls` and older tools use. */
export const listObjectsRoute: Route = {
  operation: "ListObjects",
  action: "s3:ListBucket",
  async handle(call) {
    const marker = call.query.get("marker");
    const { query, encode, maxKeys, listing, prefixes } = await list(call, marker || undefined);
    const owner = ownerXml(ownerOf(call.caller.accountId));
    return xmlReply(
      xmlDocument("ListBucketResult", [
        el("Name", call.bucket),
        el("Prefix", encode(query.get("prefix") ?? "")),
        el("Marker", encode(marker ?? "")),
        el("NextMarker", listing.isTruncated ? encode(listing.last) : undefined),
        el("MaxKeys", maxKeys),
        el("Delimiter", encode(query.get("delimiter"))),
        el("EncodingType", query.get("encoding-type")),
        el("IsTruncated", listing.isTruncated),
        ...listing.objects.map((o) => contentsXml(o, (v) => encode(v), owner)),
        ...prefixes,
      ]),
    );
  },
};

/** ListMultipartUploads (`GET /bucket?uploads`). */
export const listUploadsRoute: Route = {
  operation: "ListMultipartUploads",
  action: "s3:ListBucketMultipartUploads",
  async handle({ s3, bucket, query }) {
    const encode = keyEncoder(query);
    const maxUploads = intParam(query, "max-uploads", 1000)!;
    const out = await s3.listUploads({
      bucket,
      prefix: query.get("prefix"),
      delimiter: query.get("delimiter"),
      keyMarker: query.get("key-marker") || undefined,
      uploadIdMarker: query.get("upload-id-marker") || undefined,
      maxUploads,
    });
    return xmlReply(
      xmlDocument("ListMultipartUploadsResult", [
        el("Bucket", bucket),
        el("KeyMarker", encode(query.get("key-marker") ?? "")),
        el("UploadIdMarker", query.get("upload-id-marker") ?? ""),
        el("NextKeyMarker", encode(out.nextKeyMarker ?? "")),
        el("NextUploadIdMarker", out.nextUploadIdMarker ?? ""),
        el("Delimiter", encode(query.get("delimiter"))),
        el("Prefix", encode(query.get("prefix") ?? "")),
        el("MaxUploads", maxUploads),
        el("EncodingType", query.get("encoding-type")),
        el("IsTruncated", out.isTruncated),
        ...out.uploads.map((u) =>
          node("Upload", [
            el("Key", encode(u.key)),
            el("UploadId", u.upload_id),
            node("Initiator", [el("ID", u.initiator_arn), el("DisplayName", u.initiator_arn)]),
            ownerXml(out.owner),
            el("StorageClass", "STANDARD"),
            el("Initiated", isoTime(Number(u.initiated_at))),
            el("ChecksumAlgorithm", u.checksum_algorithm ?? undefined),
          ]),
        ),
        ...out.commonPrefixes.map((p) => node("CommonPrefixes", [el("Prefix", encode(p))])),
      ]),
    );
  },
};

/** ListParts (`GET /bucket/key?uploadId=…`). */
export const listPartsRoute: Route = {
  operation: "ListParts",
  action: "s3:ListMultipartUploadParts",
  async handle({ s3, bucket, key, query }) {
    const maxParts = intParam(query, "max-parts", 1000)!;
    const marker = intParam(query, "part-number-marker", 0)!;
    const out = await s3.listParts({
      bucket,
      key,
      uploadId: query.get("uploadId")!,
      maxParts,
      partNumberMarker: marker,
    });
    const algorithm = out.checksumAlgorithm;
    return xmlReply(
      xmlDocument("ListPartsResult", [
        el("Bucket", bucket),
        el("Key", key),
        el("UploadId", out.upload.upload_id),
        node("Initiator", [el("ID", out.upload.initiator_arn), el("DisplayName", out.upload.initiator_arn)]),
        ownerXml(out.owner),
        el("StorageClass", "STANDARD"),
        el("PartNumberMarker", marker),
        el("NextPartNumberMarker", out.nextPartNumberMarker ?? 0),
        el("MaxParts", maxParts),
        el("IsTruncated", out.isTruncated),
        el("ChecksumAlgorithm", algorithm),
        el("ChecksumType", out.upload.checksum_type ?? undefined),
        ...out.parts.map((p) =>
          node("Part", [
            el("PartNumber", p.partNumber),
            el("LastModified", isoTime(p.lastModified)),
            el("ETag", p.etag),
            el("Size", p.size),
            algorithm && el(checksumElement(algorithm), p.checksum),
          ]),
        ),
      ]),
    );
  },
};
