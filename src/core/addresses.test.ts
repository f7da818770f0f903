import { describe, expect, it } from "vitest";
import { refusedAddress } from "./addresses.js";

describe("refusedAddress", () => {
  it("allows loopback, private and public IP literals", () => {
    for (const host of [
      "127.0.0.1",
      "10.1.2.3",
      "192.168.0.10",
      "8.8.8.8",
      "::1",
      "::ffff:127.0.0.1",
      "2001:db8::1",
    ]) {
      expect(refusedAddress(host), host).toBeUndefined();
    }
  });

  it("refuses names, however local they sound", () => {
    expect(refusedAddress("localhost")).toBe("not an IP address");
    expect(refusedAddress("metadata.google.internal")).toBe("not an IP address");
    expect(refusedAddress("")).toBe("not an IP address");
  });

  it("refuses link-local (the metadata service), multicast and unspecified addresses", () => {
    expect(refusedAddress("169.254.169.254")).toBe("a link-local address");
    expect(refusedAddress("0.0.0.0")).toBe("an unspecified address");
    expect(refusedAddress("224.0.0.1")).toBe("a multicast or reserved address");
    expect(refusedAddress("255.255.255.255")).toBe("a multicast or reserved address");
    expect(refusedAddress("fe80::1")).toBe("an unspecified or link-local address");
    expect(refusedAddress("FEBF::1")).toBe("an unspecified or link-local address");
    expect(refusedAddress("::")).toBe("an unspecified or link-local address");
    expect(refusedAddress("ff02::1")).toBe("a multicast address");
    expect(refusedAddress("fe80::1%eth0")).toMatch(/zone/);
  });

  it("refuses an IPv4 address carried in IPv6 by the IPv4 rules, however it is spelled", () => {
    expect(refusedAddress("::ffff:169.254.169.254")).toBe("a link-local address");
    expect(refusedAddress("::ffff:a9fe:a9fe")).toBe("a link-local address");
    expect(refusedAddress("0:0:0:0:0:ffff:a9fe:a9fe")).toBe("a link-local address");
    expect(refusedAddress("64:ff9b::169.254.169.254")).toBe("a link-local address");
    expect(refusedAddress("0:0:0:0:0:0:0:0")).toBe("an unspecified or link-local address");
  });
});
