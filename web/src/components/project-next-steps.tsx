// What to do once a project from a template exists: start the agent that deploys it to this
// machine (the one command, copyable), follow the first release, open the app.
import Box from "@cloudscape-design/components/box";
import Container from "@cloudscape-design/components/container";
import CopyToClipboard from "@cloudscape-design/components/copy-to-clipboard";
import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { pipelinePath } from "../paths";
import type { ProjectPlan } from "../project-plan";
import { ProjectAgentWait } from "./project-agent-wait";
import { ConsoleLink } from "./console-link";

export function ProjectNextSteps({ plan, region }: { plan: ProjectPlan; region: string }) {
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={`Project ${plan.name} is created, and its pipeline's first release has started.`}
        >
          Next steps
        </Header>
      }
    >
      <SpaceBetween size="l">
        <SpaceBetween size="xs">
          <Box variant="h3">1. Start the agent that deploys {plan.name} to this machine</Box>
          <Box>
            Run this in a terminal in your Pipewright clone, and leave it running. It finds the server&apos;s
            key as the AWS CLI does, or in <Box variant="code">./.pipewright</Box>.{" "}
            <Box variant="code">pipewright</Box> is on your PATH after <Box variant="code">npm link</Box>;
            without it, use <Box variant="code">node dist/cli/main.js</Box> in its place. The release waits
            before Deploy until the agent has registered; this page then lets it go on (if you leave it,
            enable the transition into Deploy on the pipeline&apos;s page).
          </Box>
          <div data-testid="agent-command">
            <Box variant="code">{plan.agentCommand}</Box>
          </div>
          <CopyToClipboard
            variant="button"
            textToCopy={plan.agentCommand}
            copyButtonText="Copy command"
            copySuccessText="Command copied"
            copyErrorText="The command could not be copied; select it and copy it yourself"
          />
          <ProjectAgentWait plan={plan} region={region} />
        </SpaceBetween>
        <SpaceBetween size="xs">
          <Box variant="h3">2. Follow the first release</Box>
          <Box>
            Source, then Build (the tests run there), then Deploy to the agent:{" "}
            <ConsoleLink path={pipelinePath(plan.name)}>Pipeline {plan.name}</ConsoleLink>
          </Box>
        </SpaceBetween>
        <SpaceBetween size="xs">
          <Box variant="h3">3. Open the app</Box>
          <Box>
            Once the Deploy stage has succeeded, the app answers at{" "}
            <Link href={plan.appUrl} external data-testid="app-url">
              {plan.appUrl}
            </Link>
            . Every push to the <Box variant="code">main</Box> branch of repository{" "}
            <Box variant="code">{plan.name}</Box> releases it again.
          </Box>
        </SpaceBetween>
      </SpaceBetween>
    </Container>
  );
}
