import { s3Error } from "../../services/s3/index.js";
import { checksumElement, checksumHeaders, s3Arn, xmlReply, type Route, type S3Call } from "./call.js";
import { declaredChecksum, openRequestBody, readSmallBody } from "./payload.js";
import { conditionsOf, copySourceOf, headerOf, objectAttributes } from "./request.js";
import { childOf, childrenOf, parseXml } from "./xml-parse.js";
import { el, isoTime, node, xmlDocument } from "./xml.js";

/** Conditional-write headers of a PUT: `If-Match` and `If-None-Match` (dates do not apply). */
function writeConditions(call: S3Call) {
  const { ifMatch, ifNoneMatch } = conditionsOf(call.req);
  return ifMatch === undefined && ifNoneMatch === undefined ? undefined : { ifMatch, ifNoneMatch };
}

/** PutObject: the body is streamed, verified and committed; the ETag is its MD5. */
export const putObjectRoute: Route = {
  operation: "PutObject",
  action: "s3:PutObject",
  async handle(call) {
    const attributes = objectAttributes(call.req);
    const body = openRequestBody(call.req, call.signature);
    const out = await call.s3.putObject({
      bucket: call.bucket,
      key: call.key,
      body,
      ...attributes,
      conditions: writeConditions(call),
    });
    return { status: 200, headers: { etag: out.etag, ...checksumHeaders(out.checksum) } };
  },
};

/** CopyObject (`PUT` with `x-amz-copy-source`): needs s3:GetObject on the source too. */
export const copyObjectRoute: Route = {
  operation: "CopyObject",
  action: "s3:PutObject",
  async handle(call) {
    const source = copySourceOf(call.req)!;
    call.authorize("s3:GetObject", s3Arn(source.bucket, source.key));
    const directive = (headerOf(call.req, "x-amz-metadata-directive") ?? "COPY").toUpperCase();
    if (directive !== "COPY" && directive !== "REPLACE") {
      throw s3Error("InvalidArgument", "Unknown metadata directive.", {
        ArgumentName: "x-amz-metadata-directive",
        ArgumentValue: directive,
      });
    }
    const out = await call.s3.copyObject({
      source,
      bucket: call.bucket,
      key: call.key,
      metadataDirective: directive,
      attributes: objectAttributes(call.req),
      sourceConditions: conditionsOf(call.req, "x-amz-copy-source-"),
      conditions: writeConditions(call),
    });
    const checksum = out.source.checksum;
    return xmlReply(
      xmlDocument("CopyObjectResult", [
        el("ETag", out.etag),
        el("LastModified", isoTime(out.lastModified)),
        checksum && el(checksumElement(checksum.algorithm), checksum.value),
        checksum && el("ChecksumType", checksum.type),
      ]),
    );
  },
};

/** DeleteObject: 204 whether or not the key existed. */
export const deleteObjectRoute: Route = {
  operation: "DeleteObject",
  action: "s3:DeleteObject",
  async handle(call) {
    const version = call.query.get("versionId");
    if (version !== undefined && version !== "null") {
      throw s3Error("InvalidArgument", "Invalid version id specified", {
        ArgumentName: "versionId",
        ArgumentValue: version,
      });
    }
    await call.s3.deleteObject(call.bucket, call.key);
    return { status: 204 };
  },
};

/** DeleteObjects (`POST /bucket?delete`): up to 1000 keys; Quiet reports only errors. */
export const deleteObjectsRoute: Route = {
  operation: "DeleteObjects",
  action: "s3:DeleteObject",
  async handle(call) {
    if (headerOf(call.req, "content-md5") === undefined && !declaredChecksum(call.req)) {
      throw s3Error(
        "InvalidRequest",
        "Missing required header for this request: Content-MD5 (or an x-amz-checksum-* header)",
      );
    }
    const body = await readSmallBody(openRequestBody(call.req, call.signature), call.maxXmlBytes);
    const doc = parseXml(body.toString("utf8"));
    if (doc.name !== "Delete") throw s3Error("MalformedXML");
    const objects = childrenOf(doc, "Object");
    if (objects.length === 0 || objects.length > 1000) {
      throw s3Error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema: a Delete names 1 to 1000 objects",
      );
    }
    const keys = objects.map((o) => {
      const key = childOf(o, "Key");
      if (!key) throw s3Error("MalformedXML", "Every <Object> of a <Delete> needs a <Key>");
      return key.text;
    });
    const quiet = childOf(doc, "Quiet")?.text.trim().toLowerCase() === "true";
    const results = await call.s3.deleteObjects(call.bucket, keys);
    return xmlReply(
      xmlDocument(
        "DeleteResult",
        results.map((r) =>
          r.error
            ? node("Error", [el("Key", r.key), el("Code", r.error.code), el("Message", r.error.message)])
            : quiet
              ? undefined
              : node("Deleted", [el("Key", r.key)]),
        ),
      ),
    );
  },
};
