import { s3Error, type ChecksumAlgorithm, type CompletedPart } from "../../services/s3/index.js";
import { checksumElement, checksumHeaders, s3Arn, xmlReply, type Route, type S3Call } from "./call.js";
import { openRequestBody, readSmallBody } from "./payload.js";
import { conditionsOf, copySourceOf, headerOf, intParam, objectAttributes } from "./request.js";
import { urlEncodeKey } from "./tokens.js";
import { childOf, childrenOf, parseXml } from "./xml-parse.js";
import { el, isoTime, xmlDocument } from "./xml.js";

const ALGORITHMS: readonly ChecksumAlgorithm[] = ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"];

function uploadRef(call: S3Call) {
  return { bucket: call.bucket, key: call.key, uploadId: call.query.get("uploadId") ?? "" };
}

function partNumberOf(call: S3Call): number {
  const partNumber = intParam(call.query, "partNumber");
  if (partNumber === undefined) {
    throw s3Error("InvalidArgument", "UploadPart requires a partNumber", { ArgumentName: "partNumber" });
  }
  return partNumber;
}

/** CreateMultipartUpload (`POST /bucket/key?uploads`). */
export const createUploadRoute: Route = {
  operation: "CreateMultipartUpload",
  action: "s3:PutObject",
  async handle(call) {
    const named = headerOf(call.req, "x-amz-checksum-algorithm")?.toUpperCase();
    const algorithm = ALGORITHMS.find((a) => a === named);
    if (named !== undefined && !algorithm) {
      throw s3Error("InvalidRequest", `Checksum algorithm '${named}' is not supported.`);
    }
    const typeHeader = headerOf(call.req, "x-amz-checksum-type")?.toUpperCase();
    if (typeHeader !== undefined && typeHeader !== "COMPOSITE" && typeHeader !== "FULL_OBJECT") {
      throw s3Error("InvalidRequest", `Value for x-amz-checksum-type header is invalid: '${typeHeader}'.`);
    }
    const checksumType = typeHeader;
    const uploadId = await call.s3.createMultipartUpload(call.caller, {
      bucket: call.bucket,
      key: call.key,
      ...objectAttributes(call.req),
      checksumAlgorithm: algorithm,
      checksumType,
    });
    const headers: Record<string, string> = {};
    if (algorithm) {
      headers["x-amz-checksum-algorithm"] = algorithm;
      headers["x-amz-checksum-type"] = checksumType ?? "COMPOSITE";
    }
    return xmlReply(
      xmlDocument("InitiateMultipartUploadResult", [
        el("Bucket", call.bucket),
        el("Key", call.key),
        el("UploadId", uploadId),
      ]),
      200,
      headers,
    );
  },
};

/** UploadPart (`PUT /bucket/key?partNumber=N&uploadId=…`). */
export const uploadPartRoute: Route = {
  operation: "UploadPart",
  action: "s3:PutObject",
  async handle(call) {
    const body = openRequestBody(call.req, call.signature);
    const out = await call.s3.uploadPart({ ...uploadRef(call), partNumber: partNumberOf(call), body });
    return { status: 200, headers: { etag: out.etag, ...checksumHeaders(out.checksum) } };
  },
};

/** UploadPartCopy: UploadPart with `x-amz-copy-source` and an optional `x-amz-copy-source-range`. */
export const uploadPartCopyRoute: Route = {
  operation: "UploadPartCopy",
  action: "s3:PutObject",
  async handle(call) {
    const source = copySourceOf(call.req)!;
    call.authorize("s3:GetObject", s3Arn(source.bucket, source.key));
    const out = await call.s3.uploadPartCopy({
      ...uploadRef(call),
      partNumber: partNumberOf(call),
      source,
      sourceRange: headerOf(call.req, "x-amz-copy-source-range"),
      sourceConditions: conditionsOf(call.req, "x-amz-copy-source-"),
    });
    return xmlReply(
      xmlDocument("CopyPartResult", [
        el("ETag", out.etag),
        el("LastModified", isoTime(out.lastModified)),
        out.checksum && el(checksumElement(out.checksum.algorithm), out.checksum.value),
      ]),
    );
  },
};

function parseCompletedParts(xml: string): CompletedPart[] {
  const doc = parseXml(xml);
  if (doc.name !== "CompleteMultipartUpload") throw s3Error("MalformedXML");
  return childrenOf(doc, "Part").map((part) => {
    const number = childOf(part, "PartNumber")?.text.trim() ?? "";
    const etag = childOf(part, "ETag")?.text;
    if (!/^\d+$/.test(number) || etag === undefined) {
      throw s3Error("MalformedXML", "Every <Part> needs a numeric <PartNumber> and an <ETag>");
    }
    const checksum = ALGORITHMS.map((a) => childOf(part, checksumElement(a))?.text.trim()).find((v) => v);
    return { partNumber: Number(number), etag, checksum };
  });
}

/** CompleteMultipartUpload (`POST /bucket/key?uploadId=…`). */
export const completeUploadRoute: Route = {
  operation: "CompleteMultipartUpload",
  action: "s3:PutObject",
  async handle(call) {
    const body = await readSmallBody(openRequestBody(call.req, call.signature), call.maxXmlBytes);
    const parts = parseCompletedParts(body.toString("utf8"));
    const out = await call.s3.completeMultipartUpload({ ...uploadRef(call), parts });
    const host = headerOf(call.req, "host") ?? "localhost";
    return xmlReply(
      xmlDocument("CompleteMultipartUploadResult", [
        el("Location", `http://${host}/${call.bucket}/${urlEncodeKey(call.key)}`),
        el("Bucket", call.bucket),
        el("Key", call.key),
        el("ETag", out.etag),
        out.checksum && el(checksumElement(out.checksum.algorithm), out.checksum.value),
        out.checksum && el("ChecksumType", out.checksum.type),
      ]),
    );
  },
};

/** AbortMultipartUpload (`DELETE /bucket/key?uploadId=…`): 204. */
export const abortUploadRoute: Route = {
  operation: "AbortMultipartUpload",
  action: "s3:AbortMultipartUpload",
  async handle(call) {
    await call.s3.abortMultipartUpload(uploadRef(call));
    return { status: 204 };
  },
};
