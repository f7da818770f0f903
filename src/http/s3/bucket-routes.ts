import { s3Error } from "../../services/s3/index.js";
import { xmlReply, type Route } from "./call.js";
import { readSmallBody, openRequestBody } from "./payload.js";
import { intParam } from "./request.js";
import { childOf, parseXml } from "./xml-parse.js";
import { el, escapeS3Xml, isoTime, node, ownerXml, xmlDocument } from "./xml.js";
import { decodeToken, encodeToken } from "./tokens.js";

/** ListBuckets (`GET /`), with the newer optional paging parameters. */
export const listBucketsRoute: Route = {
  operation: "ListBuckets",
  action: "s3:ListAllMyBuckets",
  async handle({ s3, caller, query }) {
    const token = query.get("continuation-token");
    const out = await s3.listBuckets(caller, {
      prefix: query.get("prefix"),
      after: token === undefined ? undefined : decodeToken(token),
      maxBuckets: intParam(query, "max-buckets"),
    });
    return xmlReply(
      xmlDocument("ListAllMyBucketsResult", [
        ownerXml(out.owner),
        node(
          "Buckets",
          out.buckets.map((b) =>
            node("Bucket", [
              el("Name", b.name),
              el("CreationDate", isoTime(b.createdAt)),
              el("BucketRegion", b.region),
            ]),
          ),
        ),
        el("ContinuationToken", out.continueAfter && encodeToken(out.continueAfter)),
        el("Prefix", query.get("prefix")),
      ]),
    );
  },
};

/** CreateBucket, with an optional `<CreateBucketConfiguration><LocationConstraint>`. */
export const createBucketRoute: Route = {
  operation: "CreateBucket",
  action: "s3:CreateBucket",
  async handle({ s3, caller, bucket, req, signature, maxXmlBytes }) {
    const body = await readSmallBody(openRequestBody(req, signature), maxXmlBytes);
    let locationConstraint: string | undefined;
    if (body.toString("utf8").trim() !== "") {
      const doc = parseXml(body.toString("utf8"));
      if (doc.name !== "CreateBucketConfiguration") throw s3Error("MalformedXML");
      const constraint = childOf(doc, "LocationConstraint")?.text.trim();
      locationConstraint = constraint || undefined;
    }
    await s3.createBucket(caller, { bucket, locationConstraint });
    return { status: 200, headers: { location: `/${bucket}` } };
  },
};

/** DeleteBucket: 204 when the bucket was empty. */
export const deleteBucketRoute: Route = {
  operation: "DeleteBucket",
  action: "s3:DeleteBucket",
  async handle({ s3, bucket }) {
    await s3.deleteBucket(bucket);
    return { status: 204 };
  },
};

/** HeadBucket: 200 with the bucket's region, or 404 without a body. */
export const headBucketRoute: Route = {
  operation: "HeadBucket",
  action: "s3:ListBucket",
  async handle({ s3, bucket }) {
    const info = await s3.getBucket(bucket);
    return {
      status: 200,
      headers: { "x-amz-bucket-region": info.region, "x-amz-access-point-alias": "false" },
    };
  },
};

/** GetBucketLocation: empty for us-east-1, as S3 answers, else the region. */
export const getBucketLocationRoute: Route = {
  operation: "GetBucketLocation",
  action: "s3:GetBucketLocation",
  async handle({ s3, bucket }) {
    const info = await s3.getBucket(bucket);
    const region = info.region === "us-east-1" ? "" : info.region;
    return xmlReply(xmlDocument("LocationConstraint", [escapeS3Xml(region)]));
  },
};
