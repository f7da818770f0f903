import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveAws, withIniSection } from "./aws-config.js";

describe("credentials, region and endpoint as the AWS CLI finds them", () => {
  const home = mkdtempSync(path.join(tmpdir(), "pw-aws-config-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const defaults = { defaultEndpoint: "http://127.0.0.1:4280" };
  mkdirSync(path.join(home, ".aws"));
  writeFileSync(
    path.join(home, ".aws", "credentials"),
    "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s1\n[ci]\naws_access_key_id=AKIACI\naws_secret_access_key=s2\n",
  );
  writeFileSync(
    path.join(home, ".aws", "config"),
    "[default]\nregion = eu-west-1\n[profile ci]\nregion = us-west-2\nendpoint_url = http://127.0.0.1:4999\n[profile cfg]\naws_access_key_id = AKIACFG\naws_secret_access_key = s3\n",
  );

  it("reads the environment first, then the profile's keys, region and endpoint", () => {
    expect(
      resolveAws(defaults, { HOME: home, AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "e" }),
    ).toMatchObject({
      accessKeyId: "AKIAENV",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:4280",
    });
    expect(resolveAws(defaults, { HOME: home, AWS_PROFILE: "ci" })).toMatchObject({
      accessKeyId: "AKIACI",
      region: "us-west-2",
      endpoint: "http://127.0.0.1:4999",
    });
    expect(resolveAws(defaults, { HOME: home, AWS_PROFILE: "cfg", AWS_REGION: "ap-south-1" })).toMatchObject({
      accessKeyId: "AKIACFG",
      region: "ap-south-1",
    });
    expect(
      resolveAws({ ...defaults, endpoint: "http://h:1" }, { HOME: home, AWS_ENDPOINT_URL: "http://e:2" })
        .endpoint,
    ).toBe("http://h:1");
    expect(resolveAws(defaults, { HOME: home, AWS_ENDPOINT_URL: "http://e:2" }).endpoint).toBe("http://e:2");
  });

  it("reads the server's credentials file named by AWS_SHARED_CREDENTIALS_FILE, from any directory", () => {
    const file = path.join(home, "server-credentials");
    writeFileSync(
      file,
      "# Pipewright\n[default]\naws_access_key_id = AKIASERVER\naws_secret_access_key = x\nregion = us-east-2\n",
    );
    expect(resolveAws(defaults, { HOME: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: file })).toMatchObject({
      accessKeyId: "AKIASERVER",
      region: "us-east-2",
    });
  });

  it("lists every place it looked when nothing is found", () => {
    expect(() =>
      resolveAws(defaults, { HOME: "/nonexistent", PIPEWRIGHT_DATA_DIR: "/nonexistent/data" }),
    ).toThrow(
      /no credentials found; looked at: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; profile default in \/nonexistent\/\.aws\/credentials; profile default in \/nonexistent\/\.aws\/config; \/nonexistent\/data\/credentials/,
    );
  });

  it("prefers the profile `pipewright configure` writes when AWS_PROFILE is unset", () => {
    const other = mkdtempSync(path.join(tmpdir(), "pw-aws-config-"));
    try {
      mkdirSync(path.join(other, ".aws"));
      writeFileSync(
        path.join(other, ".aws", "credentials"),
        "[default]\naws_access_key_id = AKIAREALAWS\naws_secret_access_key = r\n\n[pipewright]\naws_access_key_id = AKIAPW\naws_secret_access_key = p\n",
      );
      writeFileSync(
        path.join(other, ".aws", "config"),
        "[profile pipewright]\nregion = eu-north-1\nendpoint_url = http://127.0.0.1:4555\n",
      );
      expect(resolveAws(defaults, { HOME: other })).toMatchObject({
        accessKeyId: "AKIAPW",
        region: "eu-north-1",
        endpoint: "http://127.0.0.1:4555",
      });
      expect(resolveAws(defaults, { HOME: other, AWS_PROFILE: "default" }).accessKeyId).toBe("AKIAREALAWS");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("writing one profile into the AWS CLI's files", () => {
  it("adds a missing section and keeps everything else as it was", () => {
    expect(withIniSection("", "pipewright", { a: "1" })).toBe("[pipewright]\na = 1\n");
    const text = "# mine\n[default]\naws_access_key_id = X\n";
    expect(withIniSection(text, "profile pw", { region: "us-east-1" })).toBe(
      "# mine\n[default]\naws_access_key_id = X\n\n[profile pw]\nregion = us-east-1\n",
    );
  });

  it("replaces the section's keys in place, keeps its other keys and adds missing ones at its end", () => {
    const text = "[pw]\r\nregion=eu-west-1\noutput = json\n\n[default]\nregion = us-east-1\n";
    expect(withIniSection(text, "pw", { region: "us-east-2", endpoint_url: "http://h:1" })).toBe(
      "[pw]\nregion = us-east-2\noutput = json\nendpoint_url = http://h:1\n\n[default]\nregion = us-east-1\n",
    );
  });
});
