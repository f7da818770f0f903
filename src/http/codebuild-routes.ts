import type { FastifyInstance } from "fastify";
import type { Store } from "../platform/store/index.js";
import { renderBadge } from "../services/codebuild/index.js";

/**
 * CodeBuild's public route under `/_/codebuild/`: project badges (`badge.badgeRequestUrl`, public and
 * unsigned like AWS's). Build logs are served, signed, by `live-logs.ts`.
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
}
