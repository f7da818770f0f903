// The resources a project from a template is made of, each with where its creation stands, and
// AWS's message under the one that failed.
import Box from "@cloudscape-design/components/box";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator, { type StatusIndicatorProps } from "@cloudscape-design/components/status-indicator";

export type StepState = "pending" | "running" | "created" | "failed";

export interface StepProgress {
  resource: string;
  state: StepState;
  /** AWS's error code and message, for the step that failed. */
  error?: string;
}

const INDICATOR: Record<StepState, { type: StatusIndicatorProps.Type; text: string }> = {
  pending: { type: "pending", text: "Waiting" },
  running: { type: "in-progress", text: "Creating" },
  created: { type: "success", text: "Created" },
  failed: { type: "error", text: "Failed" },
};

export function ProjectProgress(props: { name: string; steps: readonly StepProgress[] }) {
  return (
    <Container header={<Header variant="h2">Creating project {props.name}</Header>}>
      <ul aria-label="Resources of the project" style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {props.steps.map((step) => {
          const indicator = INDICATOR[step.state];
          return (
            <li key={step.resource} style={{ marginBottom: 8 }}>
              <SpaceBetween size="xxs">
                <StatusIndicator type={indicator.type}>
                  {step.resource}: {indicator.text}
                </StatusIndicator>
                {step.error && (
                  <Box color="text-status-error" variant="small">
                    {step.error}
                  </Box>
                )}
              </SpaceBetween>
            </li>
          );
        })}
      </ul>
    </Container>
  );
}
