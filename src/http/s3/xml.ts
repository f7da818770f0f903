import { escapeXml } from "../xml.js";

/** The namespace of every S3 response document. */
export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

/**
 * Escapes text for S3's XML. Besides the usual five characters, carriage returns and control
 * characters become character references, as S3 writes them, so keys holding them survive a parser.
 */
export function escapeS3Xml(value: string): string {
  return escapeXml(value).replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f]/g,
    (c) => `&#${c.charCodeAt(0)};`,
  );
}

/** A child node: rendered markup, or undefined to leave it out. */
export type XmlChild = string | undefined | false;

/** `<name>text</name>`, or nothing when `value` is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `<${name}>${escapeS3Xml(String(value))}</${name}>`;
}

/** `<name>children…</name>`. */
export function node(name: string, children: readonly XmlChild[]): string {
  return `<${name}>${children.filter((c) => typeof c === "string").join("")}</${name}>`;
}

/** A whole response document with S3's namespace on the root. */
export function xmlDocument(root: string, children: readonly XmlChild[]): string {
  const body = children.filter((c) => typeof c === "string").join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${body}</${root}>`;
}

/** S3's timestamp form in XML: ISO 8601 with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `<Owner>` with the canonical id and display name. */
export function ownerXml(owner: { id: string; displayName: string }, name = "Owner"): string {
  return node(name, [el("ID", owner.id), el("DisplayName", owner.displayName)]);
}
