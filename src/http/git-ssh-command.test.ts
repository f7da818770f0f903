import { describe, expect, it } from "vitest";
import { parseGitSshCommand } from "./git-ssh-command.js";

describe("parseGitSshCommand", () => {
  it("reads the commands git sends", () => {
    expect(parseGitSshCommand("git-upload-pack '/v1/repos/my-repo'")).toEqual({
      ok: true,
      service: "git-upload-pack",
      repositoryName: "my-repo",
    });
    expect(parseGitSshCommand("git-receive-pack 'v1/repos/a.b_c'")).toEqual({
      ok: true,
      service: "git-receive-pack",
      repositoryName: "a.b_c",
    });
    expect(parseGitSshCommand("git-upload-pack '/v1/repos/x/'")).toMatchObject({ repositoryName: "x" });
    // git's quoting of a quote and an exclamation mark; the name is checked later, by CodeCommit.
    expect(parseGitSshCommand("git-upload-pack '/v1/repos/a'\\''b'\\!'c'")).toMatchObject({
      ok: true,
      repositoryName: "a'b!c",
    });
  });

  it("refuses every other command with a message saying what runs here", () => {
    for (const command of [
      "",
      "sh",
      "ls -la",
      "git-upload-archive '/v1/repos/x'",
      "git upload-pack '/v1/repos/x'",
      "git-upload-pack /v1/repos/x",
      "git-upload-pack '/v1/repos/x' '/v1/repos/y'",
      "git-upload-pack '/v1/repos/x'; rm -rf /",
      "git-upload-pack '/v1/repos/x",
      "git-upload-pack '/v1/repos/x'\\n",
      "git-upload-pack '/etc/passwd'",
      "git-upload-pack '/v1/repos/a/b'",
      "git-upload-pack  '/v1/repos/x'",
    ]) {
      const parsed = parseGitSshCommand(command);
      expect(parsed.ok, command).toBe(false);
    }
    expect(parseGitSshCommand("bash -i")).toMatchObject({
      ok: false,
      message: expect.stringContaining("only git-upload-pack '/v1/repos/<name>'"),
    });
    expect(parseGitSshCommand("git-upload-pack '/srv/x'")).toMatchObject({
      message: "git-upload-pack: repositories are at '/v1/repos/<name>'; got '/srv/x'",
    });
  });
});
