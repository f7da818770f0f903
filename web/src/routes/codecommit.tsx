import { lazy } from "react";
import { href } from "../router";
import { crumb, home, type ConsoleArea } from "./route";

const RepositoriesPage = lazy(() => import("../pages/repositories"));
const CreateRepositoryPage = lazy(() => import("../pages/create-repository"));

const repositories = crumb("Repositories", "/repositories");

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
        return undefined;
    }
  },
  nav: {
    type: "section",
    text: "Source • CodeCommit",
    items: [{ type: "link", text: "Repositories", href: href("/repositories") }],
  },
};
