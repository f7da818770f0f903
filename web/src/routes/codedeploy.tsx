import type { ConsoleArea } from "./route";

// CodeDeploy's pages (applications, deployment groups, deployments) are added here.
export const codeDeployArea: ConsoleArea = {
  route: () => undefined,
};
