import type { FastifyInstance } from "fastify";
import type { Store } from "../platform/store/index.js";
import { readBuildLog, renderBadge } from "../services/codebuild/index.js";

/**
 * CodeBuild's own routes under `/_/codebuild/`: project badges (`badge.badgeRequestUrl`, public and
 * unsigned like AWS's) and a build's log as plain text (`logs.deepLink`).
 */
export function registerCodeBuildRoutes(
  app: FastifyInstance,
  deps: { store: Store; accountId: string; region: string },
): void {
  app.get<{ Params: { project: string } }>("/_/codebuild/badges/:project", async (request, reply) => {
    const svg = await renderBadge(deps.store.db, deps, request.params.project);
    if (svg === undefined) return reply.code(404).type("text/plain").send("no badge for this project\n");
    return reply.type("image/svg+xml").header("cache-control", "no-cache").send(svg);
  });
  app.get<{ Params: { id: string } }>("/_/codebuild/logs/:id", async (request, reply) => {
    const text = await readBuildLog(deps.store.db, request.params.id);
    if (text === undefined) return reply.code(404).type("text/plain").send("no such build\n");
    return reply.type("text/plain; charset=utf-8").send(text);
  });
}
