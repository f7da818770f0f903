import { describe, expect, it } from "vitest";
import { MAX_ALARM_NAME, parseAlarmName } from "./alarm-names.js";

const reasonOf = (name: string) => {
  const parsed = parseAlarmName(name);
  if (parsed.kind !== "unusable") throw new Error(`${name} was taken as a ${parsed.kind} check`);
  return parsed.reason;
};

describe("parseAlarmName", () => {
  it("takes an http(s) URL of an IP address as a GET, healthy on any 2xx", () => {
    expect(parseAlarmName("http://127.0.0.1:8080/health")).toEqual({
      kind: "http",
      url: "http://127.0.0.1:8080/health",
    });
    expect(parseAlarmName("https://10.0.0.5/ready?deep=1")).toEqual({
      kind: "http",
      url: "https://10.0.0.5/ready?deep=1",
    });
    expect(parseAlarmName("http://[::1]:9000/")).toEqual({ kind: "http", url: "http://[::1]:9000/" });
  });

  it("takes the fragment as the expected status", () => {
    expect(parseAlarmName("http://127.0.0.1:8080/health#204")).toEqual({
      kind: "http",
      url: "http://127.0.0.1:8080/health",
      expectedStatus: 204,
    });
  });

  it("refuses a fragment that is not a status", () => {
    for (const fragment of ["ok", "20", "2000", "600", "099", "200x", "%32%30%30"]) {
      expect(reasonOf(`http://127.0.0.1:8080/health#${fragment}`)).toMatch(
        /is not an HTTP status \(100 to 599\)/,
      );
    }
  });

  it("takes command: as a command, healthy when it exits 0", () => {
    expect(parseAlarmName("command:curl -fsS http://127.0.0.1:8080/")).toEqual({
      kind: "command",
      command: "curl -fsS http://127.0.0.1:8080/",
    });
    expect(reasonOf("command:   ")).toMatch(/no command/);
  });

  it("refuses names, the metadata service and other addresses the server must not reach", () => {
    expect(reasonOf("http://localhost/")).toMatch(/host localhost is not an IP address/);
    expect(reasonOf("http://169.254.169.254/latest/meta-data/")).toMatch(/a link-local address/);
    expect(reasonOf("http://[fe80::1]/")).toMatch(/link-local/);
    expect(reasonOf("http://[::ffff:169.254.169.254]/")).toMatch(/a link-local address/);
    expect(reasonOf("http://0/")).toMatch(/unspecified/);
    expect(reasonOf("http://224.0.0.1/")).toMatch(/multicast/);
    expect(reasonOf("http://user:secret@127.0.0.1/")).toMatch(/credentials/);
  });

  it("refuses other schemes and plain CloudWatch names, saying which forms are accepted", () => {
    for (const name of [
      "file:///etc/passwd",
      "ftp://127.0.0.1/",
      "cpu-high",
      "gopher://127.0.0.1:70/",
      "http:/x",
    ]) {
      const reason = reasonOf(name);
      expect(reason, name).toMatch(/http:\/\/IP:PORT\/path/);
      expect(reason, name).toMatch(/command:<shell command>/);
    }
  });

  it("refuses an over-long name", () => {
    const name = `http://127.0.0.1/${"a".repeat(MAX_ALARM_NAME)}`;
    expect(reasonOf(name)).toMatch(new RegExp(`${name.length} characters, more than ${MAX_ALARM_NAME}`));
    expect(reasonOf(`command:${"x".repeat(MAX_ALARM_NAME)}`)).toMatch(/more than/);
  });
});
