// The frame of a console "create" page, as the AWS console lays them out: the page heading, the
// fields, Cancel and the primary button at the bottom, and an error no field owns above the fields.
import type { ReactNode } from "react";
import Alert from "@cloudscape-design/components/alert";
import Button from "@cloudscape-design/components/button";
import Form from "@cloudscape-design/components/form";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import { followLink, href } from "../router";

export interface CreateFormProps {
  title: string;
  description: string;
  /** The console path Cancel goes back to. */
  cancelPath: string;
  submitText: string;
  pending: boolean;
  onSubmit: () => void;
  /** An error for the whole form (one that names no field), with the alert's header. */
  formError?: { header: string; message: string | undefined } | undefined;
  children: ReactNode;
}

export function CreateForm(props: CreateFormProps) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <Form
        header={
          <Header variant="h1" description={props.description}>
            {props.title}
          </Header>
        }
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" href={href(props.cancelPath)} onFollow={followLink}>
              Cancel
            </Button>
            <Button variant="primary" formAction="submit" loading={props.pending}>
              {props.submitText}
            </Button>
          </SpaceBetween>
        }
      >
        <SpaceBetween size="l">
          {props.formError && (
            <Alert type="error" header={props.formError.header}>
              {props.formError.message}
            </Alert>
          )}
          {props.children}
        </SpaceBetween>
      </Form>
    </form>
  );
}
