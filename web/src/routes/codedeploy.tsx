import { lazy } from "react";
import { applicationPath, deploymentGroupPath, deploymentPath } from "../paths";
import { href } from "../router";
import { crumb, home, segmentAfter, segmentsAfter, type ConsoleArea } from "./route";

const ApplicationsPage = lazy(() => import("../pages/deploy-applications"));
const ApplicationPage = lazy(() => import("../pages/deploy-application"));
const DeploymentGroupPage = lazy(() => import("../pages/deployment-group"));
const DeploymentsPage = lazy(() => import("../pages/deployments"));
const DeploymentPage = lazy(() => import("../pages/deployment"));

const APPLICATIONS = "/codedeploy/applications";
const DEPLOYMENTS = "/codedeploy/deployments";
const applications = crumb("Applications", APPLICATIONS);
const deployments = crumb("Deployments", DEPLOYMENTS);

export const codeDeployArea: ConsoleArea = {
  route(path) {
    if (path === APPLICATIONS) {
      return {
        page: <ApplicationsPage />,
        breadcrumbs: [home, applications],
        section: APPLICATIONS,
        contentType: "table",
      };
    }
    if (path === DEPLOYMENTS) {
      return {
        page: <DeploymentsPage />,
        breadcrumbs: [home, deployments],
        section: DEPLOYMENTS,
        contentType: "table",
      };
    }
    const deploymentId = segmentAfter(path, `${DEPLOYMENTS}/`);
    if (deploymentId !== undefined) {
      return {
        page: <DeploymentPage key={deploymentId} id={deploymentId} />,
        breadcrumbs: [home, deployments, crumb(deploymentId, deploymentPath(deploymentId))],
        section: DEPLOYMENTS,
        contentType: "default",
      };
    }
    const segments = segmentsAfter(path, `${APPLICATIONS}/`);
    const [application, groups, group] = segments ?? [];
    if (application !== undefined && segments?.length === 1) {
      return {
        page: <ApplicationPage key={application} name={application} />,
        breadcrumbs: [home, applications, crumb(application, applicationPath(application))],
        section: APPLICATIONS,
        contentType: "default",
      };
    }
    if (application !== undefined && groups === "groups" && group !== undefined && segments?.length === 3) {
      return {
        page: <DeploymentGroupPage key={`${application}/${group}`} application={application} name={group} />,
        breadcrumbs: [
          home,
          applications,
          crumb(application, applicationPath(application)),
          crumb(group, deploymentGroupPath(application, group)),
        ],
        section: APPLICATIONS,
        contentType: "default",
      };
    }
    return undefined;
  },
  nav: {
    type: "section",
    text: "Deploy • CodeDeploy",
    items: [
      { type: "link", text: "Applications", href: href(APPLICATIONS) },
      { type: "link", text: "Deployments", href: href(DEPLOYMENTS) },
    ],
  },
};
