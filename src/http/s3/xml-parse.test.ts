import { describe, expect, it } from "vitest";
import { childOf, childrenOf, parseXml, XmlSyntaxError } from "./xml-parse.js";
import { escapeS3Xml } from "./xml.js";

describe("parseXml", () => {
  it("reads S3 request documents: namespaces, entities, CDATA, comments", () => {
    const doc = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
        `<!-- two keys --><Quiet>true</Quiet><Object><Key>a &amp; b &lt;c&gt; &#233;&#x1F600;</Key></Object>` +
        `<Object><Key><![CDATA[<raw> & ]]></Key></Object><s3:Object xmlns:s3="x"><Key/></s3:Object></Delete>`,
    );
    expect(doc.name).toBe("Delete");
    expect(childOf(doc, "Quiet")?.text).toBe("true");
    expect(childrenOf(doc, "Object").map((o) => childOf(o, "Key")?.text)).toEqual([
      "a & b <c> é😀",
      "<raw> & ",
      "",
    ]);
  });

  it("round-trips what escapeS3Xml writes, control characters included", () => {
    const key = "a\r\nb\u0001<&>\"'";
    expect(childOf(parseXml(`<Object><Key>${escapeS3Xml(key)}</Key></Object>`), "Key")?.text).toBe(key);
  });

  it.each([
    ["", /empty/],
    ["<a><b></a>", /does not match/],
    ["<a>", /not closed/],
    ["<a/><b/>", /more than one root/],
    ["text<a/>", /outside the root/],
    ["<a>&bogus;</a>", /unknown entity/],
    ["<a>& b</a>", /unterminated entity/],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DOCTYPE/],
  ])("refuses %j", (text, message) => {
    expect(() => parseXml(text)).toThrow(XmlSyntaxError);
    expect(() => parseXml(text)).toThrow(message);
  });
});
