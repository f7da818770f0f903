import {
  CodeBuildClient,
  CreateProjectCommand,
  ListBuildsForProjectCommand,
} from "@aws-sdk/client-codebuild";
import {
  CodeCommitClient,
  CreateRepositoryCommand,
  PutRepositoryTriggersCommand,
} from "@aws-sdk/client-codecommit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { PROJECT_BASICS, waitForBuild } from "./codebuild-support.js";
import { cloneUrl, createGitCredential, GitClient } from "./codecommit-git-http-support.js";

/**
 * The path of one change, as the architecture describes it: `git push` over HTTP → the ref change
 * is recorded → a repository trigger whose destination is a CodeBuild project → a build of exactly
 * the pushed commit, checked out of the repository.
 */
describe("a git push that builds", () => {
  let server: TestServer;
  let client: GitClient;
  beforeAll(async () => {
    server = await startTestServer();
    client = new GitClient(server.credentials, server.config.region, false);
  });
  afterAll(async () => {
    client?.remove();
    await server?.stop();
  });

  it("pushes with real git, and the trigger builds the pushed commit", async () => {
    const cc = new CodeCommitClient(server.clientConfig);
    const cb = new CodeBuildClient(server.clientConfig);
    try {
      const { repositoryMetadata } = await cc.send(
        new CreateRepositoryCommand({ repositoryName: "service" }),
      );
      const { project } = await cb.send(
        new CreateProjectCommand({
          name: "service-ci",
          source: { type: "CODECOMMIT", location: repositoryMetadata!.cloneUrlHttp! },
          artifacts: { type: "NO_ARTIFACTS" },
          ...PROJECT_BASICS,
        }),
      );
      await cc.send(
        new PutRepositoryTriggersCommand({
          repositoryName: "service",
          triggers: [
            {
              name: "ci",
              destinationArn: project!.arn!,
              events: ["updateReference", "createReference"],
              branches: ["main"],
            },
          ],
        }),
      );
      const url = cloneUrl(server.url, "service", await createGitCredential(server));
      const work = client.dir("service");
      await client.ok(["init", "-q", "-b", "main", work]);
      const commit = await client.commit(work, {
        "buildspec.yml":
          'version: 0.2\nphases:\n  build:\n    commands:\n      - test "$(cat VERSION)" = 1.0\n',
        VERSION: "1.0",
      });
      await client.ok(["push", "-q", url, "main"], work);

      const builds = async () =>
        (await cb.send(new ListBuildsForProjectCommand({ projectName: "service-ci" }))).ids ?? [];
      await expect.poll(builds, { timeout: 10_000, interval: 100 }).toHaveLength(1);
      const build = await waitForBuild(cb, (await builds())[0]!);
      expect(build).toMatchObject({
        buildStatus: "SUCCEEDED",
        resolvedSourceVersion: commit,
        initiator: "codecommit/service",
      });
    } finally {
      cc.destroy();
      cb.destroy();
    }
  });
});
