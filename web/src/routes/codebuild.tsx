import { lazy } from "react";
import { buildPath, projectOfBuild, projectPath } from "../paths";
import { href } from "../router";
import { crumb, home, segmentAfter, segmentsAfter, type ConsoleArea } from "./route";

const BuildProjectsPage = lazy(() => import("../pages/build-projects"));
const BuildProjectPage = lazy(() => import("../pages/build-project"));
const BuildPage = lazy(() => import("../pages/build"));
const CreateProjectPage = lazy(() => import("../pages/create-project"));
const EditProjectPage = lazy(() => import("../pages/edit-project"));

const buildProjects = crumb("Build projects", "/codebuild/projects");

export const codeBuildArea: ConsoleArea = {
  route(path) {
    if (path === "/codebuild/projects") {
      return {
        page: <BuildProjectsPage />,
        breadcrumbs: [home, buildProjects],
        section: "/codebuild/projects",
        contentType: "table",
      };
    }
    if (path === "/codebuild/projects/create") {
      return {
        page: <CreateProjectPage />,
        breadcrumbs: [home, buildProjects, crumb("Create build project", "/codebuild/projects/create")],
        section: "/codebuild/projects",
        contentType: "form",
      };
    }
    const editing = segmentsAfter(path, "/codebuild/projects/");
    if (editing?.length === 2 && editing[1] === "edit") {
      const name = editing[0]!;
      return {
        page: <EditProjectPage key={name} name={name} />,
        breadcrumbs: [
          home,
          buildProjects,
          crumb(name, projectPath(name)),
          crumb("Edit", `${projectPath(name)}/edit`),
        ],
        section: "/codebuild/projects",
        contentType: "form",
      };
    }
    const projectName = segmentAfter(path, "/codebuild/projects/");
    if (projectName !== undefined) {
      return {
        page: <BuildProjectPage key={projectName} name={projectName} />,
        breadcrumbs: [home, buildProjects, crumb(projectName, projectPath(projectName))],
        section: "/codebuild/projects",
        contentType: "default",
      };
    }
    const buildId = segmentAfter(path, "/codebuild/builds/");
    if (buildId !== undefined) {
      const project = projectOfBuild(buildId);
      return {
        page: <BuildPage key={buildId} id={buildId} />,
        breadcrumbs: [
          home,
          buildProjects,
          crumb(project, projectPath(project)),
          crumb(buildId, buildPath(buildId)),
        ],
        section: "/codebuild/projects",
        contentType: "default",
      };
    }
    return undefined;
  },
  nav: {
    type: "section",
    text: "Build • CodeBuild",
    items: [{ type: "link", text: "Build projects", href: href("/codebuild/projects") }],
  },
};
