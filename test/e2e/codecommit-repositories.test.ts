import {
  BatchGetRepositoriesCommand,
  CodeCommitClient,
  CreateBranchCommand,
  CreateRepositoryCommand,
  DeleteBranchCommand,
  DeleteRepositoryCommand,
  GetBranchCommand,
  GetRepositoryCommand,
  ListBranchesCommand,
  ListRepositoriesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UpdateDefaultBranchCommand,
  UpdateRepositoryDescriptionCommand,
  UpdateRepositoryNameCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusEvent } from "../../src/platform/bus/index.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { pushDirect } from "./codecommit-support.js";

describe("CodeCommit repositories and branches through the SDK", () => {
  let server: TestServer;
  let cc: CodeCommitClient;
  const events: BusEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    server.bus.subscribe("test.codecommit", async (e) => void events.push(e), {
      filter: (e) => e.source === "aws.codecommit",
    });
    cc = new CodeCommitClient(server.clientConfig);
  });
  afterAll(async () => {
    cc?.destroy();
    await server?.stop();
  });

  it("creates, gets, lists, renames and deletes repositories", async () => {
    const { repositoryMetadata: m } = await cc.send(
      new CreateRepositoryCommand({
        repositoryName: "alpha",
        repositoryDescription: "first",
        tags: { team: "a" },
      }),
    );
    expect(m).toMatchObject({
      repositoryName: "alpha",
      repositoryDescription: "first",
      accountId: "000000000000",
      Arn: "arn:aws:codecommit:us-east-1:000000000000:alpha",
      cloneUrlHttp: `${server.url}/v1/repos/alpha`,
    });
    expect(m?.defaultBranch).toBeUndefined();
    await cc.send(new CreateRepositoryCommand({ repositoryName: "beta" }));
    await expect(cc.send(new CreateRepositoryCommand({ repositoryName: "alpha" }))).rejects.toMatchObject({
      name: "RepositoryNameExistsException",
    });
    const listed = await cc.send(new ListRepositoriesCommand({ order: "descending" }));
    expect(listed.repositories?.map((r) => r.repositoryName)).toEqual(["beta", "alpha"]);
    const batch = await cc.send(new BatchGetRepositoriesCommand({ repositoryNames: ["alpha", "nope"] }));
    expect(batch.repositories?.map((r) => r.repositoryName)).toEqual(["alpha"]);
    expect(batch.repositoriesNotFound).toEqual(["nope"]);
    await cc.send(
      new UpdateRepositoryDescriptionCommand({ repositoryName: "beta", repositoryDescription: "b" }),
    );
    await cc.send(new UpdateRepositoryNameCommand({ oldName: "beta", newName: "gamma" }));
    const { repositoryMetadata: g } = await cc.send(new GetRepositoryCommand({ repositoryName: "gamma" }));
    expect(g?.repositoryDescription).toBe("b");
    await cc.send(new TagResourceCommand({ resourceArn: g!.Arn!, tags: { k: "v" } }));
    expect((await cc.send(new ListTagsForResourceCommand({ resourceArn: g!.Arn! }))).tags).toEqual({
      k: "v",
    });
    expect((await cc.send(new DeleteRepositoryCommand({ repositoryName: "gamma" }))).repositoryId).toBe(
      g?.repositoryId,
    );
    expect(
      (await cc.send(new DeleteRepositoryCommand({ repositoryName: "gamma" }))).repositoryId,
    ).toBeUndefined();
    await expect(cc.send(new GetRepositoryCommand({ repositoryName: "gamma" }))).rejects.toMatchObject({
      name: "RepositoryDoesNotExistException",
    });
  });

  it.each([["a.git"], ["has space"], ["x".repeat(101)], ["../etc"]])("refuses the name %j", async (name) => {
    await expect(cc.send(new CreateRepositoryCommand({ repositoryName: name }))).rejects.toMatchObject({
      name: "InvalidRepositoryNameException",
    });
  });

  it("records branches made outside the API, and the first one becomes the default", async () => {
    const repo = (await server.codecommit.git.findRepository(
      { accountId: "000000000000", region: "us-east-1" },
      "alpha",
    ))!;
    const commit = pushDirect(repo.gitDir, "trunk", "a.txt");
    const changes = await server.codecommit.git.recordPush(
      repo.repositoryId,
      "arn:aws:iam::000000000000:root",
    );
    expect(changes).toEqual([{ ref: "refs/heads/trunk", commitId: commit }]);
    const { repositoryMetadata: m } = await cc.send(new GetRepositoryCommand({ repositoryName: "alpha" }));
    expect(m?.defaultBranch).toBe("trunk");

    await cc.send(
      new CreateBranchCommand({ repositoryName: "alpha", branchName: "feature/x", commitId: commit }),
    );
    await expect(
      cc.send(
        new CreateBranchCommand({ repositoryName: "alpha", branchName: "feature/x", commitId: commit }),
      ),
    ).rejects.toMatchObject({ name: "BranchNameExistsException" });
    await expect(
      cc.send(
        new CreateBranchCommand({ repositoryName: "alpha", branchName: "bad..name", commitId: commit }),
      ),
    ).rejects.toMatchObject({ name: "InvalidBranchNameException" });
    expect(
      (await cc.send(new GetBranchCommand({ repositoryName: "alpha", branchName: "feature/x" }))).branch,
    ).toEqual({
      branchName: "feature/x",
      commitId: commit,
    });
    expect((await cc.send(new ListBranchesCommand({ repositoryName: "alpha" }))).branches).toEqual([
      "feature/x",
      "trunk",
    ]);
    await expect(
      cc.send(new DeleteBranchCommand({ repositoryName: "alpha", branchName: "trunk" })),
    ).rejects.toMatchObject({
      name: "DefaultBranchCannotBeDeletedException",
    });
    await cc.send(
      new UpdateDefaultBranchCommand({ repositoryName: "alpha", defaultBranchName: "feature/x" }),
    );
    const deleted = await cc.send(new DeleteBranchCommand({ repositoryName: "alpha", branchName: "trunk" }));
    expect(deleted.deletedBranch).toEqual({ branchName: "trunk", commitId: commit });

    await expect.poll(() => events.length, { timeout: 5000 }).toBe(3);
    expect(events.map((e) => [e["detail-type"], e.detail.event, e.detail.referenceName])).toEqual([
      ["CodeCommit Repository State Change", "referenceCreated", "trunk"],
      ["CodeCommit Repository State Change", "referenceCreated", "feature/x"],
      ["CodeCommit Repository State Change", "referenceDeleted", "trunk"],
    ]);
    expect(events[2]?.detail).toMatchObject({
      repositoryName: "alpha",
      referenceType: "branch",
      referenceFullName: "refs/heads/trunk",
      oldCommitId: commit,
      callerUserArn: "arn:aws:iam::000000000000:root",
    });
    expect(events[0]?.resources).toEqual(["arn:aws:codecommit:us-east-1:000000000000:alpha"]);
  });
});
