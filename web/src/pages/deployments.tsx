// All deployments, like the CodeDeploy console's Deployments page.
import { DeploymentsTable } from "../components/deployments-table";

export default function DeploymentsPage() {
  return (
    <DeploymentsTable
      variant="full-page"
      header={{
        text: "Deployments",
        variant: "h1",
        description:
          "Each deployment installs a revision of an application on the instances of a deployment group.",
      }}
    />
  );
}
