import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findOnPath } from "../../platform/sandbox/index.js";
import { build, outputLines } from "./fixtures/fake-api.fixture.js";

const haveTools = findOnPath("git") !== undefined && findOnPath("aws") !== undefined;

/** What `aws codecommit credential-helper` signs: "GIT", the path and the host without its port. */
function expectedPassword(secret: string, region: string, timestamp: string, host: string, path: string) {
  const canonical = `GIT\n${path}\n\nhost:${host}\n\nhost\n`;
  const date = timestamp.slice(0, 8);
  const scope = `${date}/${region}/codecommit/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${timestamp}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
  let key: Buffer = Buffer.from(`AWS4${secret}`);
  for (const part of [date, region, "codecommit", "aws4_request"])
    key = createHmac("sha256", key).update(part).digest();
  return `${timestamp}Z${createHmac("sha256", key).update(toSign).digest("hex")}`;
}

describe.skipIf(!haveTools)("env.git-credential-helper", () => {
  it("gives git the build's credentials for the endpoint's repositories, signed as CodeCommit expects", async () => {
    const r = await build(
      [
        "version: 0.2",
        "env:",
        "  git-credential-helper: yes",
        "phases:",
        "  build:",
        "    commands:",
        "      - git config --global --get-all credential.helper | head -1",
        "      - printf 'protocol=http\\nhost=127.0.0.1:4280\\npath=v1/repos/demo\\n\\n' | git credential fill",
        "      - printf 'protocol=http\\nhost=127.0.0.1:4280\\npath=v1/repos/demo\\nusername=u\\npassword=p\\n\\n' | git credential approve 2>&1 && echo approved",
        "      - printf 'protocol=https\\nhost=example.com\\npath=x\\n\\n' | GIT_TERMINAL_PROMPT=0 git credential fill || echo none for example.com",
      ].join("\n"),
      {
        job: {
          environmentVariables: [
            { name: "AWS_ACCESS_KEY_ID", value: "AKIDEXAMPLE", type: "PLAINTEXT" },
            { name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI", type: "PLAINTEXT" },
            { name: "AWS_ENDPOINT_URL", value: "http://127.0.0.1:4280/", type: "PLAINTEXT" },
          ],
        },
      },
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    const lines = outputLines(r.text);
    expect(lines[0]).toBe("!aws codecommit credential-helper $@");
    expect(lines).toContain("username=AKIDEXAMPLE");
    const password = lines.find((l) => l.startsWith("password="))?.slice("password=".length) ?? "";
    expect(password).toMatch(/^\d{8}T\d{6}Z[0-9a-f]{64}$/);
    // The job's region (eu-west-1) signs, since the host names none.
    expect(password).toBe(
      expectedPassword("wJalrXUtnFEMI", "eu-west-1", password.slice(0, 15), "127.0.0.1", "/v1/repos/demo"),
    );
    expect(lines).toContain("none for example.com");
    // git's `store` after a successful login reaches the helpers quietly.
    expect(lines[lines.indexOf("approved") - 1]).toMatch(/^password=/);
  });

  it("says so when the build has no AWS credentials", async () => {
    const r = await build(
      "version: 0.2\nenv:\n  git-credential-helper: yes\nphases:\n  build:\n    commands:\n      - 'true'\n",
    );
    expect(r.outcome.status).toBe("SUCCEEDED");
    expect(r.text.some((l) => l.includes("the build has no AWS credentials in its environment"))).toBe(true);
  });
});
