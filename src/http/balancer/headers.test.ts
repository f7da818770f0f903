import { describe, expect, it } from "vitest";
import { clientResponseHeaders, targetRequestHeaders } from "./headers.js";

const from = { clientAddress: "10.0.0.9", port: 8080 };

describe("targetRequestHeaders", () => {
  it("gives a buffered chunked body a Content-Length and drops Expect, since it is sent at once", () => {
    const out = targetRequestHeaders(
      { host: "app", "transfer-encoding": "chunked", expect: "100-continue", "content-type": "text/plain" },
      from,
      12,
    );
    expect(out).toEqual({
      host: "app",
      "content-type": "text/plain",
      "content-length": "12",
      "x-forwarded-for": "10.0.0.9",
      "x-forwarded-proto": "http",
      "x-forwarded-port": "8080",
      "x-forwarded-host": "app",
    });
  });

  it("adds no Content-Length to a request that had no body", () => {
    expect(targetRequestHeaders({ host: "app" }, from, 0)["content-length"]).toBeUndefined();
    expect(targetRequestHeaders({ host: "app", "content-length": "0" }, from, 0)["content-length"]).toBe("0");
  });

  it("keeps a streamed body's Content-Length", () => {
    expect(targetRequestHeaders({ "content-length": "5000000" }, from, undefined)["content-length"]).toBe(
      "5000000",
    );
  });

  it("replaces X-Forwarded-Proto/-Host/-Port a client sent, and appends to X-Forwarded-For", () => {
    const out = targetRequestHeaders(
      {
        host: "real",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "forged",
        "x-forwarded-port": "1",
        "x-forwarded-for": "1.2.3.4, 5.6.7.8",
      },
      from,
      0,
    );
    expect(out).toMatchObject({
      "x-forwarded-proto": "http",
      "x-forwarded-host": "real",
      "x-forwarded-port": "8080",
      "x-forwarded-for": "1.2.3.4, 5.6.7.8, 10.0.0.9",
    });
    expect(
      targetRequestHeaders({ "x-forwarded-host": "forged" }, from, 0)["x-forwarded-host"],
    ).toBeUndefined();
  });
});

describe("clientResponseHeaders", () => {
  it("drops hop-by-hop headers and those Connection names, keeps repeated Set-Cookie", () => {
    expect(
      clientResponseHeaders({
        connection: "close, x-internal",
        "x-internal": "1",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        "set-cookie": ["a=1", "b=2"],
        "content-type": "text/html",
      }),
    ).toEqual({ "set-cookie": ["a=1", "b=2"], "content-type": "text/html" });
  });
});
