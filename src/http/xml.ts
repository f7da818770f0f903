/** Escapes text for an XML element or attribute. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}

/**
 * Renders a plain value as XML elements: objects as nested elements, arrays as repeated `<member>`
 * elements (the Query protocol's list shape), dates as ISO 8601, undefined and null left out.
 */
export function toXmlElements(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((item) => `<member>${toXmlElements(item)}</member>`).join("");
  if (value instanceof Date) return escapeXml(value.toISOString());
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXmlElements(v)}</${k}>`)
      .join("");
  }
  return escapeXml(typeof value === "string" ? value : JSON.stringify(value));
}
