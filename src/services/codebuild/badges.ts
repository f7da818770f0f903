import type { Kysely } from "kysely";
import type { Database } from "../../platform/store/index.js";
import type { ProjectSpec } from "./project-spec.js";
import { findProject } from "./projects.js";

const COLOURS: Record<string, string> = {
  SUCCEEDED: "#4c1",
  FAILED: "#e05d44",
  FAULT: "#e05d44",
  TIMED_OUT: "#e05d44",
  STOPPED: "#9f9f9f",
  IN_PROGRESS: "#dfb317",
};

/** AWS's badge words for each status. */
const WORDS: Record<string, string> = {
  SUCCEEDED: "passing",
  FAILED: "failing",
  FAULT: "failing",
  TIMED_OUT: "failing",
  STOPPED: "stopped",
  IN_PROGRESS: "in progress",
};

/**
 * The SVG badge of a project's latest build (`build | passing`), or undefined when the project does
 * not exist or has no badge enabled (the route then answers 404, as AWS does).
 */
export async function renderBadge(
  db: Kysely<Database>,
  scope: { accountId: string; region: string },
  projectName: string,
): Promise<string | undefined> {
  const project = await findProject(db, scope, projectName);
  if (!project || !(JSON.parse(project.spec) as ProjectSpec).badgeEnabled) return undefined;
  const latest = await db
    .selectFrom("codebuild_builds")
    .select("status")
    .where("account_id", "=", scope.accountId)
    .where("region", "=", scope.region)
    .where("project_name", "=", projectName)
    .orderBy("build_number", "desc")
    .limit(1)
    .executeTakeFirst();
  const word = latest ? (WORDS[latest.status] ?? latest.status.toLowerCase()) : "no builds";
  const colour = latest ? (COLOURS[latest.status] ?? "#9f9f9f") : "#9f9f9f";
  const left = 37;
  const right = 8 + word.length * 7;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + right}" height="20" role="img" aria-label="build: ${word}"><title>build: ${word}</title><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,sans-serif" font-size="11"><text x="${left / 2}" y="14">build</text><text x="${left + right / 2}" y="14">${word}</text></g></svg>`;
}
