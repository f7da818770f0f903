import { lazy } from "react";
import { href } from "../router";
import { crumb, home, type ConsoleArea } from "./route";

const DashboardPage = lazy(() => import("../pages/dashboard"));

export const startArea: ConsoleArea = {
  route(path) {
    if (path !== "/") return undefined;
    return {
      page: <DashboardPage />,
      breadcrumbs: [home, crumb("Dashboard", "/")],
      section: "/",
      contentType: "dashboard",
    };
  },
  nav: { type: "link", text: "Dashboard", href: href("/") },
};
