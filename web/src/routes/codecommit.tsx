import { lazy } from "react";
import { createPullRequestPath, pullRequestPath, pullRequestsPath } from "../paths";
import { href } from "../router";
import { crumb, home, segmentsAfter, type ConsoleArea, type Route } from "./route";

const RepositoriesPage = lazy(() => import("../pages/repositories"));
const CreateRepositoryPage = lazy(() => import("../pages/create-repository"));
const PullRequestsPage = lazy(() => import("../pages/pull-requests"));
const CreatePullRequestPage = lazy(() => import("../pages/create-pull-request"));
const PullRequestPage = lazy(() => import("../pages/pull-request"));

const repositories = crumb("Repositories", "/repositories");

/** /repositories/<name>/pull-requests, …/create and …/<id>. */
function pullRequestRoute(path: string): Route | undefined {
  const segments = segmentsAfter(path, "/repositories/");
  if (!segments || segments.length < 2 || segments.length > 3 || segments[1] !== "pull-requests") {
    return undefined;
  }
  const [name, , rest] = segments as [string, string, string | undefined];
  const list = crumb("Pull requests", pullRequestsPath(name));
  const base = [home, repositories, crumb(name, pullRequestsPath(name)), list];
  if (rest === undefined) {
    return {
      page: <PullRequestsPage key={name} repositoryName={name} />,
      breadcrumbs: base,
      section: "/repositories",
      contentType: "table",
    };
  }
  if (rest === "create") {
    return {
      page: <CreatePullRequestPage key={name} repositoryName={name} />,
      breadcrumbs: [...base, crumb("Create pull request", createPullRequestPath(name))],
      section: "/repositories",
      contentType: "form",
    };
  }
  return {
    page: <PullRequestPage key={`${name}/${rest}`} repositoryName={name} id={rest} />,
    breadcrumbs: [...base, crumb(rest, pullRequestPath(name, rest))],
    section: "/repositories",
    contentType: "default",
  };
}

export const codeCommitArea: ConsoleArea = {
  route(path) {
    switch (path) {
      case "/repositories":
        return {
          page: <RepositoriesPage />,
          breadcrumbs: [home, repositories],
          section: "/repositories",
          contentType: "table",
        };
      case "/repositories/create":
        return {
          page: <CreateRepositoryPage />,
          breadcrumbs: [home, repositories, crumb("Create repository", "/repositories/create")],
          section: "/repositories",
          contentType: "form",
        };
      default:
        return pullRequestRoute(path);
    }
  },
  nav: {
    type: "section",
    text: "Source • CodeCommit",
    items: [{ type: "link", text: "Repositories", href: href("/repositories") }],
  },
};
