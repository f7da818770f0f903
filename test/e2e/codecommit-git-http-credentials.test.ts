import { CodeCommitClient, CreateRepositoryCommand } from "@aws-sdk/client-codecommit";
import {
  CreateServiceSpecificCredentialCommand,
  DeleteServiceSpecificCredentialCommand,
  IAMClient,
  ListServiceSpecificCredentialsCommand,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
  type ServiceSpecificCredential,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, hasAwsCli, hasPostgres, startTestServer, type TestServer } from "../support/server.js";
import { basic, GitClient, rawRequest, run } from "./codecommit-git-http-support.js";

const CODECOMMIT = "codecommit.amazonaws.com";
const dialects = ["sqlite", ...(hasPostgres() ? ["postgres" as const] : [])] as const;

describe.each(dialects)("HTTPS git credentials (IAM service-specific credentials) on %s", (dialect) => {
  let server: TestServer;
  let iam: IAMClient;
  let client: GitClient;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    iam = new IAMClient({ ...server.clientConfig });
    const cc = new CodeCommitClient(server.clientConfig);
    await cc.send(new CreateRepositoryCommand({ repositoryName: "app" }));
    cc.destroy();
    client = new GitClient(server.credentials, server.config.region, false);
  });
  afterAll(async () => {
    iam?.destroy();
    client?.remove();
    await server?.stop();
  });

  /** The clone URL with the credential's user name and password in it, as a user may type it. */
  const urlWith = (c: ServiceSpecificCredential, name = "app") => {
    const u = new URL(`${server.url}/v1/repos/${name}`);
    u.username = encodeURIComponent(c.ServiceUserName!);
    u.password = encodeURIComponent(c.ServicePassword!);
    return u.toString();
  };
  const infoRefs = (user: string, password: string) =>
    rawRequest(`${server.url}/v1/repos/app/info/refs?service=git-upload-pack`, {
      headers: { authorization: basic(user, password) },
    });

  it("creates a credential in AWS's shape, and git clones, pushes and fetches with it", async () => {
    const { ServiceSpecificCredential: c } = await iam.send(
      new CreateServiceSpecificCredentialCommand({ UserName: "root", ServiceName: CODECOMMIT }),
    );
    expect(c).toMatchObject({
      UserName: "root",
      ServiceName: CODECOMMIT,
      Status: "Active",
      ServiceUserName: `root-at-${server.config.accountId}`,
    });
    expect(c!.ServiceSpecificCredentialId).toMatch(/^ACCA[A-Z0-9]{17}$/);
    expect(c!.ServicePassword).toMatch(/^[A-Za-z0-9+/]{44}$/);
    expect(c!.CreateDate).toBeInstanceOf(Date);

    // Only a salted hash is stored.
    const row = await server.store.db
      .selectFrom("iam_service_credentials")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(c!.ServicePassword);
    expect(row.password_hash).toMatch(/^scrypt:/);

    const work = client.dir("app");
    await client.ok(["clone", "-q", urlWith(c!), work]);
    const commit = await client.commit(work, { "a.txt": "a\n" });
    await client.ok(["push", "-q", "origin", "main"], work);
    // Recorded before the push's response ended: the event is in the store when `git push` returns.
    const recorded = await server.store.db
      .selectFrom("events")
      .select("detail")
      .where("detail_type", "=", "CodeCommit Repository State Change")
      .execute();
    expect(recorded.map((e) => JSON.parse(e.detail) as { commitId: string })).toEqual([
      expect.objectContaining({ event: "referenceCreated", commitId: commit }),
    ]);
    const v2 = await run("git", ["-c", "protocol.version=2", "ls-remote", urlWith(c!)], {
      env: { ...client.env, GIT_TRACE_PACKET: "1" },
    });
    expect(v2.stdout).toContain(`${commit}\trefs/heads/main`);
    // The server answered in protocol v2 (the `Git-Protocol` header reached upload-pack).
    expect(v2.stderr).toMatch(/git< version 2/);
    const copy = client.dir("app-copy");
    await client.ok(["-c", "protocol.version=0", "clone", "-q", urlWith(c!), copy]);
    expect(await client.ok(["rev-parse", "HEAD"], copy)).toBe(commit);

    const bad = await client.git(["ls-remote", urlWith({ ...c!, ServicePassword: "wrong" })]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/Authentication failed/);
    await iam.send(
      new DeleteServiceSpecificCredentialCommand({
        ServiceSpecificCredentialId: c!.ServiceSpecificCredentialId,
      }),
    );
  });

  it("lists without passwords, deactivates, resets and deletes; two per user at most", async () => {
    const create = () =>
      iam.send(new CreateServiceSpecificCredentialCommand({ UserName: "root", ServiceName: CODECOMMIT }));
    const { ServiceSpecificCredential: a } = await create();
    const { ServiceSpecificCredential: b } = await create();
    expect(b!.ServiceUserName).not.toBe(a!.ServiceUserName);
    await expect(create()).rejects.toMatchObject({
      name: "LimitExceededException",
      $metadata: { httpStatusCode: 409 },
    });

    const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ ServiceName: CODECOMMIT }));
    expect(listed.ServiceSpecificCredentials?.map((m) => m.ServiceSpecificCredentialId).sort()).toEqual(
      [a!.ServiceSpecificCredentialId, b!.ServiceSpecificCredentialId].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(a!.ServicePassword);

    expect((await infoRefs(a!.ServiceUserName!, a!.ServicePassword!)).status).toBe(200);
    const id = a!.ServiceSpecificCredentialId!;
    await iam.send(
      new UpdateServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id, Status: "Inactive" }),
    );
    const inactive = await infoRefs(a!.ServiceUserName!, a!.ServicePassword!);
    expect(inactive.status).toBe(401);
    expect(inactive.headers["www-authenticate"]).toMatch(/^Basic /);
    await iam.send(
      new UpdateServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id, Status: "Active" }),
    );
    expect((await infoRefs(a!.ServiceUserName!, a!.ServicePassword!)).status).toBe(200);

    // "Resetting the password immediately invalidates the previous password."
    const { ServiceSpecificCredential: reset } = await iam.send(
      new ResetServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id }),
    );
    expect(reset!.ServicePassword).not.toBe(a!.ServicePassword);
    expect(reset!.ServiceUserName).toBe(a!.ServiceUserName);
    expect((await infoRefs(a!.ServiceUserName!, a!.ServicePassword!)).status).toBe(401);
    expect((await infoRefs(a!.ServiceUserName!, reset!.ServicePassword!)).status).toBe(200);

    for (const c of [a!, b!]) {
      await iam.send(
        new DeleteServiceSpecificCredentialCommand({
          ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
        }),
      );
    }
    expect((await infoRefs(a!.ServiceUserName!, reset!.ServicePassword!)).status).toBe(401);
    await expect(
      iam.send(new DeleteServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: id })),
    ).rejects.toMatchObject({ name: "NoSuchEntityException", $metadata: { httpStatusCode: 404 } });
    const empty = await iam.send(new ListServiceSpecificCredentialsCommand({}));
    expect(empty.ServiceSpecificCredentials ?? []).toEqual([]);
  });

  // The SDK names errors by shape (LimitExceededException); the wire codes are AWS's (LimitExceeded,
  // NoSuchEntity, NotSupportedService), which the AWS CLI test below shows.
  it("names the problem: unsupported services, unknown users, bad input", async () => {
    await expect(
      iam.send(
        new CreateServiceSpecificCredentialCommand({
          UserName: "root",
          ServiceName: "cassandra.amazonaws.com",
        }),
      ),
    ).rejects.toMatchObject({
      name: "ServiceNotSupportedException",
      message: expect.stringContaining(CODECOMMIT),
    });
    await expect(
      iam.send(new CreateServiceSpecificCredentialCommand({ UserName: "mallory", ServiceName: CODECOMMIT })),
    ).rejects.toMatchObject({
      name: "NoSuchEntityException",
      message: "The user with name mallory cannot be found.",
    });
    await expect(
      iam.send(new ListServiceSpecificCredentialsCommand({ UserName: "mallory" })),
    ).rejects.toMatchObject({ name: "NoSuchEntityException" });
    await expect(
      iam.send(
        new UpdateServiceSpecificCredentialCommand({
          ServiceSpecificCredentialId: "ACCAEXAMPLE1234567890",
          Status: "Paused" as "Active",
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("Status") });
    await expect(
      iam.send(
        new ResetServiceSpecificCredentialCommand({ ServiceSpecificCredentialId: "ACCAEXAMPLE1234567890" }),
      ),
    ).rejects.toMatchObject({ name: "NoSuchEntityException", $metadata: { httpStatusCode: 404 } });
  });

  it.skipIf(!hasAwsCli() || dialect === "postgres")("works from the AWS CLI too", async () => {
    const created = await awsCli(server, [
      "iam",
      "create-service-specific-credential",
      "--user-name",
      "root",
      "--service-name",
      CODECOMMIT,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const c = (JSON.parse(created.stdout) as { ServiceSpecificCredential: ServiceSpecificCredential })
      .ServiceSpecificCredential;
    expect(c.ServicePassword).toBeTruthy();
    const listed = await awsCli(server, ["iam", "list-service-specific-credentials"]);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      ServiceSpecificCredentials: [
        { ServiceSpecificCredentialId: c.ServiceSpecificCredentialId, Status: "Active" },
      ],
    });
    expect((await infoRefs(c.ServiceUserName!, c.ServicePassword!)).status).toBe(200);
    const unsupported = await awsCli(server, [
      "iam",
      "list-service-specific-credentials",
      "--service-name",
      "logs.amazonaws.com",
    ]);
    expect(unsupported.stderr).toContain("(NotSupportedService)");
  });
});
