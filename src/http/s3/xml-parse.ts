/**
 * A small, strict XML reader for S3's request documents (CreateBucketConfiguration, Delete,
 * CompleteMultipartUpload): elements, text, CDATA, comments and the five predefined entities plus
 * character references. DOCTYPEs are refused, so no entity can expand. Namespace prefixes and
 * attributes are dropped; S3's request documents carry no meaning in either.
 */

/** One element: its local name, child elements and concatenated text. */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** A document that is not well-formed XML. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlSyntaxError";
  }
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/y;

/** Parses `text` and returns its root element. */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  const source = text.replace(/^\uFEFF/, "");
  while (TOKEN.lastIndex < source.length) {
    const m = TOKEN.exec(source);
    if (!m) throw new XmlSyntaxError(`unexpected character at offset ${TOKEN.lastIndex}`);
    const [token, cdata, closeName, openName, , selfClosing, chars, stray] = m;
    const top = stack.at(-1);
    if (stray !== undefined) {
      throw new XmlSyntaxError(
        source.startsWith("<!DOCTYPE", m.index)
          ? "DOCTYPE declarations are not accepted"
          : `malformed markup at offset ${m.index}`,
      );
    }
    if (token.startsWith("<!--") || token.startsWith("<?")) continue;
    if (cdata !== undefined || chars !== undefined) {
      const value = cdata ?? decodeEntities(chars!);
      if (top) top.text += value;
      else if (value.trim() !== "") throw new XmlSyntaxError("text outside the root element");
      continue;
    }
    if (openName !== undefined) {
      if (!top && root) throw new XmlSyntaxError("more than one root element");
      const element: XmlElement = { name: localName(openName), children: [], text: "" };
      if (top) top.children.push(element);
      else root = element;
      if (!selfClosing) stack.push(element);
      continue;
    }
    if (closeName !== undefined) {
      if (!top || top.name !== localName(closeName)) {
        throw new XmlSyntaxError(`closing tag </${closeName}> does not match <${top?.name ?? "(none)"}>`);
      }
      stack.pop();
    }
  }
  if (!root) throw new XmlSyntaxError("the document is empty");
  if (stack.length > 0) throw new XmlSyntaxError(`element <${stack.at(-1)!.name}> is not closed`);
  return root;
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) throw new XmlSyntaxError(`unterminated entity '${whole}'`);
    const named = NAMED[name];
    if (named !== undefined) return named;
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (!m) throw new XmlSyntaxError(`unknown entity '&${name};'`);
    const code = m[1]!.startsWith("x") ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
    if (code > 0x10ffff) throw new XmlSyntaxError(`character reference '&${name};' is out of range`);
    return String.fromCodePoint(code);
  });
}

/** The first child element named `name`. */
export function childOf(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** Every child element named `name`. */
export function childrenOf(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
