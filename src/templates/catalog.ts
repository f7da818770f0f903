/**
 * The project templates: what each one is. Their files are data, under `templates/<id>/` at the
 * repository's root (shipped with the package); the CLI reads them from disk, the console bundles
 * them. Nothing here does I/O, so the console's build imports it too.
 */

/** One template a project can start from. */
export interface ProjectTemplate {
  id: string;
  title: string;
  description: string;
  /** What runs the app on the machine, for the Next steps text. */
  runtime: string;
}

export const TEMPLATES: readonly ProjectTemplate[] = [
  {
    id: "static-site",
    title: "Static web site",
    description:
      "HTML and CSS served by Python's http.server. The build checks that index.html is there with a title.",
    runtime: "python3",
  },
  {
    id: "node-service",
    title: "Node.js web service",
    description:
      "A web service on node:http, without dependencies, and its tests run by `node --test` in the build.",
    runtime: "node",
  },
  {
    id: "python-service",
    title: "Python web service",
    description:
      "A web service on Python's http.server, and its tests run by `python3 -m unittest` in the build.",
    runtime: "python3",
  },
];

/** The template with this id, or undefined. */
export function findTemplate(id: string): ProjectTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

/** A template's files: path inside the template (e.g. `scripts/start.sh`) → text with placeholders. */
export type TemplateFiles = Record<string, string>;

/** The files a template must have for the plan to make a working project of it. */
export const REQUIRED_FILES = ["buildspec.yml", "appspec.yml", "README.md"] as const;

/**
 * A template file's text for a project: `{{project}}` becomes the project's name and `{{title}}`
 * the template's title.
 */
export function renderTemplateFile(text: string, project: string, template: ProjectTemplate): string {
  return text.replaceAll("{{project}}", project).replaceAll("{{title}}", template.title);
}
