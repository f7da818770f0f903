import { lazy } from "react";
import {
  commitPath,
  createPullRequestPath,
  pullRequestPath,
  pullRequestsPath,
  repositoryCommitsPath,
  repositoryPath,
} from "../paths";
import { href } from "../router";
import { crumb, home, segmentsAfter, type ConsoleArea, type Route } from "./route";

const RepositoriesPage = lazy(() => import("../pages/repositories"));
const CreateRepositoryPage = lazy(() => import("../pages/create-repository"));
const RepositoryPage = lazy(() => import("../pages/repository"));
const CommitPage = lazy(() => import("../pages/commit"));

const repositories = crumb("Repositories", "/repositories");

/**
 * A repository's own pages: `/repositories/<name>` (its code at the default branch),
 * `…/browse/<ref>/<path…>` (a folder or file at a branch, tag or commit), `…/commits/<ref>`
 * (the history from a ref) and `…/commit/<commitId>` (one commit and its changes).
 */
function repositoryRoute(path: string): Route | undefined {
  const segments = segmentsAfter(path, "/repositories/");
  if (!segments) return undefined;
  const [name, view, ref, ...rest] = segments;
  if (name === undefined) return undefined;
  const base = [home, repositories, crumb(name, repositoryPath(name))];
  const route = (page: Route["page"], breadcrumbs = base): Route => ({
    page,
    breadcrumbs,
    section: "/repositories",
    contentType: "default",
  });
  if (view === undefined) return route(<RepositoryPage key={name} name={name} view="code" filePath="" />);
  if (ref === undefined) return undefined;
  if (view === "browse") {
    const filePath = rest.join("/");
    return route(<RepositoryPage key={name} name={name} view="code" gitRef={ref} filePath={filePath} />);
  }
  if (view === "commits" && rest.length === 0) {
    return route(<RepositoryPage key={name} name={name} view="commits" gitRef={ref} filePath="" />, [
      ...base,
      crumb("Commits", repositoryCommitsPath(name, ref)),
    ]);
  }
  if (view === "commit" && rest.length === 0) {
    return route(<CommitPage key={`${name}/${ref}`} name={name} commitId={ref} />, [
      ...base,
      crumb(ref.slice(0, 7), commitPath(name, ref)),
    ]);
  }
  return undefined;
}

const PullRequestsPage = lazy(() => import("../pages/pull-requests"));
const CreatePullRequestPage = lazy(() => import("../pages/create-pull-request"));
const PullRequestPage = lazy(() => import("../pages/pull-request"));

/** /repositories/<name>/pull-requests, …/create and …/<id>. */
function pullRequestRoute(path: string): Route | undefined {
  const segments = segmentsAfter(path, "/repositories/");
  if (!segments || segments.length < 2 || segments.length > 3 || segments[1] !== "pull-requests") {
    return undefined;
  }
  const [name, , rest] = segments as [string, string, string | undefined];
  const list = crumb("Pull requests", pullRequestsPath(name));
  const base = [home, repositories, crumb(name, repositoryPath(name)), list];
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
        return pullRequestRoute(path) ?? repositoryRoute(path);
    }
  },
  nav: {
    type: "section",
    text: "Source • CodeCommit",
    items: [{ type: "link", text: "Repositories", href: href("/repositories") }],
  },
};
