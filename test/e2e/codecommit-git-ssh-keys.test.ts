import { readFileSync, writeFileSync } from "node:fs";
import {
  DeleteSSHPublicKeyCommand,
  GetSSHPublicKeyCommand,
  ListSSHPublicKeysCommand,
  UpdateSSHPublicKeyCommand,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { awsCli, hasPostgres } from "../support/server.js";
import { run, sh, useSshFixture } from "./codecommit-git-ssh-support.js";

describe("IAM SSH public keys (UploadSSHPublicKey and friends)", () => {
  const f = useSshFixture(
    {
      id_ed25519: ["-t", "ed25519"],
      id_rsa: ["-t", "rsa", "-b", "2048"],
      id_other: ["-t", "ed25519"],
      id_short: ["-t", "rsa", "-b", "1024"],
    },
    // The git suite runs on SQLite; this one on PostgreSQL when the run has one.
    { dialect: hasPostgres() ? "postgres" : "sqlite" },
  );
  const { key, pub, upload } = f;

  it("uploads, gets, lists, updates and deletes keys in IAM's shapes (AWS CLI and SDK)", async () => {
    const md5 = (await sh("ssh-keygen", ["-l", "-E", "md5", "-f", `${key("id_ed25519")}.pub`])).stdout;
    const cli = await awsCli(f.server, [
      ...["iam", "upload-ssh-public-key", "--user-name", "root"],
      ...["--ssh-public-key-body", pub("id_ed25519")],
    ]);
    expect(cli.stderr).toBe("");
    const uploaded = (JSON.parse(cli.stdout) as { SSHPublicKey: Record<string, string> }).SSHPublicKey;
    expect(uploaded).toEqual({
      UserName: "root",
      SSHPublicKeyId: expect.stringMatching(/^APKA[A-Z2-7]{16}$/),
      Fingerprint: /MD5:([0-9a-f:]{47})/.exec(md5)![1],
      SSHPublicKeyBody: pub("id_ed25519").trim(),
      Status: "Active",
      UploadDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
    });
    const edId = uploaded.SSHPublicKeyId!;

    const rsa = await f.iam.send(
      new UploadSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyBody: pub("id_rsa") }),
    );
    const rsaId = rsa.SSHPublicKey!.SSHPublicKeyId!;
    expect(rsa.SSHPublicKey?.UploadDate).toBeInstanceOf(Date);

    const listed = await f.iam.send(new ListSSHPublicKeysCommand({}));
    expect(listed.IsTruncated).toBe(false);
    expect(listed.SSHPublicKeys?.map((k) => [k.UserName, k.SSHPublicKeyId, k.Status])).toEqual([
      ["root", edId, "Active"],
      ["root", rsaId, "Active"],
    ]);
    const page = await f.iam.send(new ListSSHPublicKeysCommand({ UserName: "root", MaxItems: 1 }));
    expect(page).toMatchObject({ IsTruncated: true, Marker: rsaId });
    const next = await f.iam.send(new ListSSHPublicKeysCommand({ MaxItems: 1, Marker: page.Marker! }));
    expect(next.SSHPublicKeys?.map((k) => k.SSHPublicKeyId)).toEqual([rsaId]);

    const asSsh = await f.iam.send(
      new GetSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: rsaId, Encoding: "SSH" }),
    );
    expect(asSsh.SSHPublicKey?.SSHPublicKeyBody).toBe(pub("id_rsa").trim());
    // PEM: the same key, as OpenSSH itself reads it back.
    const asPem = await f.iam.send(
      new GetSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: rsaId, Encoding: "PEM" }),
    );
    expect(asPem.SSHPublicKey?.SSHPublicKeyBody).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    writeFileSync(key("rsa.pem"), asPem.SSHPublicKey!.SSHPublicKeyBody!);
    const imported = await sh("ssh-keygen", ["-i", "-m", "PKCS8", "-f", key("rsa.pem")]);
    expect(imported.stdout.split(" ")[1]?.trim()).toBe(pub("id_rsa").split(" ")[1]);
    // The same key uploaded again, even as PEM, is the same key.
    const pem = (await sh("ssh-keygen", ["-e", "-m", "PKCS8", "-f", `${key("id_rsa")}.pub`])).stdout;
    await expect(
      f.iam.send(new UploadSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyBody: pem })),
    ).rejects.toMatchObject({ name: "DuplicateSSHPublicKeyException" });

    await f.iam.send(
      new UpdateSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: rsaId, Status: "Inactive" }),
    );
    const got = await f.iam.send(
      new GetSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: rsaId, Encoding: "SSH" }),
    );
    expect(got.SSHPublicKey).toMatchObject({
      Status: "Inactive",
      Fingerprint: rsa.SSHPublicKey?.Fingerprint,
    });
    await f.iam.send(new DeleteSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: rsaId }));
    await f.iam.send(new DeleteSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: edId }));
    expect((await f.iam.send(new ListSSHPublicKeysCommand({}))).SSHPublicKeys).toEqual([]);
    await expect(
      f.iam.send(new DeleteSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: edId })),
    ).rejects.toMatchObject({ name: "NoSuchEntityException", message: expect.stringContaining(edId) });
  });

  it("rejects bad key material, other users and more than five keys with IAM's errors", async () => {
    const bad = await awsCli(f.server, [
      ...["iam", "upload-ssh-public-key", "--user-name", "root"],
      ...["--ssh-public-key-body", "not a key at all"],
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("(UnrecognizedPublicKeyEncoding)");
    expect(bad.stderr).toContain("ssh-rsa AAAA");
    await expect(
      f.iam.send(
        new UploadSSHPublicKeyCommand({
          UserName: "root",
          SSHPublicKeyBody: readFileSync(key("id_rsa"), "utf8"),
        }),
      ),
    ).rejects.toMatchObject({
      name: "UnrecognizedPublicKeyEncodingException",
      message: expect.stringContaining("private key"),
    });
    await expect(
      f.iam.send(
        new UploadSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyBody: "ssh-rsa AAAAB3Nza== x" }),
      ),
    ).rejects.toMatchObject({ name: "InvalidPublicKeyException" });
    await expect(
      f.iam.send(new UploadSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyBody: pub("id_short") })),
    ).rejects.toMatchObject({
      name: "InvalidPublicKeyException",
      message: expect.stringContaining("1024 bits"),
    });
    await expect(
      f.iam.send(new UploadSSHPublicKeyCommand({ UserName: "someone", SSHPublicKeyBody: pub("id_other") })),
    ).rejects.toMatchObject({
      name: "NoSuchEntityException",
      message: "The user with name someone cannot be found.",
    });
    await expect(
      f.iam.send(
        new GetSSHPublicKeyCommand({
          UserName: "root",
          SSHPublicKeyId: "APKAAAAAAAAAAAAAAAAA",
          Encoding: "SSH",
        }),
      ),
    ).rejects.toMatchObject({ name: "NoSuchEntityException" });

    const many = [0, 1, 2, 3, 4].map((i) => `id_many${i}`);
    await Promise.all(many.map((k) => run("ssh-keygen", ["-q", "-N", "", "-t", "ed25519", "-f", key(k)])));
    const ids: string[] = [];
    for (const k of many) ids.push(await upload(k));
    await expect(upload("id_other")).rejects.toMatchObject({
      name: "LimitExceededException",
      message: "Cannot exceed quota for PublicKeysPerUser: 5",
    });
    for (const id of ids)
      await f.iam.send(new DeleteSSHPublicKeyCommand({ UserName: "root", SSHPublicKeyId: id }));
  });
});
