// A table cell for a value that stays hidden until asked for: a parameter's or a secret's. The value
// is fetched only while shown (with `useRevealed` deciding which rows are), never kept in the cache
// after, and never fetched again on its own.
import type { ReactNode } from "react";
import { type QueryKey, useQuery } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";

/** What a fetched value shows: its text, or a note in its place (e.g. "(binary)"). */
export type ShownValue = { text: string } | { note: string };

export interface HiddenValueProps {
  queryKey: QueryKey;
  fetch: () => Promise<ShownValue>;
  revealed: boolean;
  onReveal: () => void;
  onHide: () => void;
  /** The buttons' texts and labels, e.g. "Show value" for "Show value of /app/db-host". */
  revealText: string;
  revealLabel: string;
  hideText: string;
  hideLabel: string;
  loadingText: string;
  /** Shown before the reveal button while hidden, e.g. a mask for an encrypted value. */
  hiddenMark?: ReactNode;
}

export function HiddenValue(props: HiddenValueProps) {
  const value = useQuery({
    queryKey: props.queryKey,
    queryFn: props.fetch,
    enabled: props.revealed,
    gcTime: 0,
    staleTime: Infinity,
    retry: false,
  });
  if (!props.revealed) {
    return (
      <SpaceBetween direction="horizontal" size="xs" alignItems="center">
        {props.hiddenMark}
        <Button variant="inline-link" ariaLabel={props.revealLabel} onClick={props.onReveal}>
          {props.revealText}
        </Button>
      </SpaceBetween>
    );
  }
  let shown: ReactNode;
  if (value.isPending) shown = <StatusIndicator type="loading">{props.loadingText}</StatusIndicator>;
  else if (value.isError) shown = <StatusIndicator type="error">{value.error.message}</StatusIndicator>;
  else if ("note" in value.data) shown = <i>{value.data.note}</i>;
  else
    shown = (
      <Box variant="code">
        <span style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{value.data.text}</span>
      </Box>
    );
  return (
    <SpaceBetween direction="horizontal" size="xs" alignItems="center">
      {shown}
      <Button variant="inline-link" ariaLabel={props.hideLabel} onClick={props.onHide}>
        {props.hideText}
      </Button>
    </SpaceBetween>
  );
}
