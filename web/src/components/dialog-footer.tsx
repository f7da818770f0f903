// The footer of the console's dialogs, as the AWS console lays them out: Cancel, any other
// actions, then the primary one, on the right.
import type { ReactNode } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import SpaceBetween from "@cloudscape-design/components/space-between";

export function DialogFooter({
  onCancel,
  primary,
  loading = false,
  onPrimary,
  children,
}: {
  onCancel: () => void;
  /** The primary button's text. */
  primary: ReactNode;
  /** While the primary action runs: the button spins, and another press does nothing. */
  loading?: boolean;
  onPrimary: () => void;
  /** Buttons between Cancel and the primary one. */
  children?: ReactNode;
}) {
  return (
    <Box float="right">
      <SpaceBetween direction="horizontal" size="xs">
        <Button variant="link" onClick={onCancel}>
          Cancel
        </Button>
        {children}
        <Button
          variant="primary"
          loading={loading}
          onClick={() => {
            if (!loading) onPrimary();
          }}
        >
          {primary}
        </Button>
      </SpaceBetween>
    </Box>
  );
}
