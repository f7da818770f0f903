import { lazy } from "react";
import { href } from "../router";
import { crumb, home, type ConsoleArea } from "./route";

const CreateProjectPage = lazy(() => import("../pages/create-project"));

/** Projects from templates: everything a project needs, made in one go. */
export const projectsArea: ConsoleArea = {
  route(path) {
    if (path !== "/projects/create") return undefined;
    return {
      page: <CreateProjectPage />,
      breadcrumbs: [home, crumb("Create project", "/projects/create")],
      section: "/projects/create",
      contentType: "form",
    };
  },
  nav: { type: "link", text: "Create project", href: href("/projects/create") },
};
