import { lazy } from "react";
import { href } from "../router";
import { crumb, home, type ConsoleArea } from "./route";

const ParametersPage = lazy(() => import("../pages/parameters"));
const CreateParameterPage = lazy(() => import("../pages/create-parameter"));
const SecretsPage = lazy(() => import("../pages/secrets"));
const CreateSecretPage = lazy(() => import("../pages/create-secret"));

const parameters = crumb("Parameters", "/ssm/parameters");
const secrets = crumb("Secrets", "/secretsmanager/secrets");

export const configurationArea: ConsoleArea = {
  route(path) {
    switch (path) {
      case "/ssm/parameters":
        return {
          page: <ParametersPage />,
          breadcrumbs: [home, parameters],
          section: path,
          contentType: "table",
        };
      case "/ssm/parameters/create":
        return {
          page: <CreateParameterPage />,
          breadcrumbs: [home, parameters, crumb("Create parameter", path)],
          section: "/ssm/parameters",
          contentType: "form",
        };
      case "/secretsmanager/secrets":
        return { page: <SecretsPage />, breadcrumbs: [home, secrets], section: path, contentType: "table" };
      case "/secretsmanager/secrets/create":
        return {
          page: <CreateSecretPage />,
          breadcrumbs: [home, secrets, crumb("Store a new secret", path)],
          section: "/secretsmanager/secrets",
          contentType: "form",
        };
      default:
        return undefined;
    }
  },
  nav: {
    type: "section",
    text: "Configuration",
    items: [
      { type: "link", text: "Parameters", href: href("/ssm/parameters") },
      { type: "link", text: "Secrets", href: href("/secretsmanager/secrets") },
    ],
  },
};
