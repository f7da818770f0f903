import { lazy } from "react";
import { href } from "../router";
import { crumb, home, type ConsoleArea } from "./route";

const CreateFromTemplatePage = lazy(() => import("../pages/create-from-template"));

/** Projects from templates: everything a project needs, made in one go. */
export const projectsArea: ConsoleArea = {
  route(path) {
    if (path !== "/projects/create") return undefined;
    return {
      page: <CreateFromTemplatePage />,
      breadcrumbs: [home, crumb("Create project", "/projects/create")],
      section: "/projects/create",
      contentType: "form",
    };
  },
  nav: { type: "link", text: "Create project", href: href("/projects/create") },
};
