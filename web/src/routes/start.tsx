import DashboardPage from "../pages/dashboard";
import { href } from "../router";
import { crumb, home, type ConsoleArea } from "./route";

// The Dashboard is the first page most visits open: it ships with the layout, in one script.

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
