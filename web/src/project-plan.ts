// Projects from templates in the console: the same plan `pipewright init` runs (src/templates), its
// template files bundled from templates/ at the repository's root into the Create project page's
// chunk (a few kilobytes), so they are loaded with the page and only with it.
import { callAws, type TargetPrefix } from "./api";
import { createBucket } from "./services/s3";
import type { PlanStep, ProjectPlan, TemplateFiles } from "../../src/templates/index.js";

export {
  DEFAULT_PORT,
  planProject,
  portProblem,
  projectNameProblem,
  TEMPLATES,
  type PlanStep,
  type ProjectPlan,
  type ProjectTemplate,
} from "../../src/templates/index.js";

const FILES = import.meta.glob<string>("../../templates/**/*", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** Every file of a template, by its path inside the template's folder. */
export function templateFiles(id: string): TemplateFiles {
  const prefix = `../../templates/${id}/`;
  return Object.fromEntries(
    Object.entries(FILES)
      .filter(([path]) => path.startsWith(prefix) && !path.includes("/__pycache__/"))
      .map(([path, text]) => [path.slice(prefix.length), text]),
  );
}

/** Runs one step of a plan as the signed-in user: an AWS JSON operation, or S3's CreateBucket. */
export async function runPlanStep(step: PlanStep, region: string): Promise<void> {
  if (step.target === "S3.CreateBucket") return createBucket(String(step.input.Bucket), region);
  await callAws(step.target as `${TargetPrefix}.${string}`, step.input);
}

/** The names of the registered machines of a project's deployment group (its `findAgents`). */
export async function registeredAgents(plan: ProjectPlan): Promise<string[]> {
  const { instanceNames } = await callAws<{ instanceNames?: string[] }>(
    plan.findAgents.target as `${TargetPrefix}.${string}`,
    plan.findAgents.input,
  );
  return instanceNames ?? [];
}
