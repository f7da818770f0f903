// A build's log, live: the server pushes each line over Server-Sent Events and says when the
// build has ended. Lines are drawn with plain elements (a Cloudscape Table would be too slow for
// thousands of them), their ANSI colours as class names, and a filter shows the matching lines.
import {
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import Alert from "@cloudscape-design/components/alert";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import SpaceBetween from "@cloudscape-design/components/space-between";
import TextFilter from "@cloudscape-design/components/text-filter";
import { type AnsiSegment, parseAnsi } from "../ansi";
import { CONSOLE_BASE } from "../api";
import "../ansi.css";

interface LogLine {
  /** The line's number in the log, from 1. */
  number: number;
  segments: AnsiSegment[];
  /** The text without escape sequences, lower-cased, for the filter. */
  search: string;
}

export interface BuildEnd {
  buildStatus?: string;
  buildComplete?: boolean;
}

type StreamState = "connecting" | "open" | "ended" | "interrupted";

export function liveLogUrl(buildId: string): string {
  return `${CONSOLE_BASE}/codebuild/builds/${encodeURIComponent(buildId)}/logs/stream`;
}

function toLine(number: number, message: string): LogLine {
  const segments = parseAnsi(message);
  return {
    number,
    segments,
    search: segments
      .map((s) => s.text)
      .join("")
      .toLowerCase(),
  };
}

/** One line; memoised, so appending lines does not redraw the ones already shown. */
const LogLineView = memo(function LogLineView({ line }: { line: LogLine }) {
  return (
    <div className="build-log-line">
      <span className="build-log-number" aria-hidden="true">
        {line.number}
      </span>
      <span className="build-log-text">
        {line.segments.map((segment, i) =>
          segment.classes === "" ? (
            segment.text
          ) : (
            <span key={i} className={segment.classes}>
              {segment.text}
            </span>
          ),
        )}
      </span>
    </div>
  );
});

/** How close to the bottom (in pixels) still counts as "at the end", so the log follows it. */
const FOLLOW_SLACK = 24;

export function BuildLog({ buildId, onEnd }: { buildId: string; onEnd: (end: BuildEnd) => void }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [state, setState] = useState<StreamState>("connecting");
  const [attempt, setAttempt] = useState(0);
  const [filter, setFilter] = useState("");
  const deferredFilter = useDeferredValue(filter);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  // Kept across a retry, so lines already shown are not added twice.
  const lastSequence = useRef(-1);
  const count = useRef(0);

  // Lines arriving together are added in one render per animation frame.
  useEffect(() => {
    let pending: LogLine[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      if (batch.length > 0) setLines((current) => current.concat(batch));
    };
    const source = new EventSource(liveLogUrl(buildId));
    setState("connecting");
    source.onopen = () => setState("open");
    source.onmessage = (event: MessageEvent<string>) => {
      // A reconnection may send lines again from the start; each is kept once.
      const sequence = event.lastEventId === "" ? NaN : Number(event.lastEventId);
      if (Number.isFinite(sequence) && sequence <= lastSequence.current) return;
      lastSequence.current = Number.isFinite(sequence) ? sequence : lastSequence.current + 1;
      let message: string;
      try {
        const data = JSON.parse(event.data) as { message?: unknown };
        message = typeof data.message === "string" ? data.message : "";
      } catch {
        message = event.data;
      }
      count.current += 1;
      pending.push(toLine(count.current, message.replace(/\r?\n$/, "")));
      if (frame === 0) frame = requestAnimationFrame(flush);
    };
    source.addEventListener("end", (event: MessageEvent<string>) => {
      source.close();
      if (frame !== 0) cancelAnimationFrame(frame);
      flush();
      setState("ended");
      let end: BuildEnd = {};
      try {
        end = JSON.parse(event.data) as BuildEnd;
      } catch {
        // The end itself is what counts.
      }
      onEndRef.current(end);
    });
    source.onerror = () => {
      source.close();
      if (frame !== 0) cancelAnimationFrame(frame);
      flush();
      setState((current) => (current === "ended" ? current : "interrupted"));
    };
    return () => {
      source.close();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [buildId, attempt]);

  const visible = useMemo(() => {
    const needle = deferredFilter.trim().toLowerCase();
    return needle === "" ? lines : lines.filter((line) => line.search.includes(needle));
  }, [lines, deferredFilter]);

  // Follow the end while the reader is there; leave the scroll alone once they scroll up.
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const onScroll = useCallback(() => {
    const el = box.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK;
  }, []);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [visible]);

  const filtering = deferredFilter.trim() !== "";
  return (
    <SpaceBetween size="s">
      {state === "interrupted" && (
        <Alert
          type="warning"
          header="Log stream interrupted"
          action={<Button onClick={() => setAttempt((n) => n + 1)}>Retry</Button>}
        >
          The live log stopped before the build ended. The lines so far are shown below.
        </Alert>
      )}
      <TextFilter
        filteringText={filter}
        filteringPlaceholder="Search the log"
        filteringAriaLabel="Search the log"
        countText={filtering ? `${visible.length} ${visible.length === 1 ? "match" : "matches"}` : undefined}
        onChange={({ detail }) => setFilter(detail.filteringText)}
      />
      <div ref={box} className="build-log" role="log" aria-label="Build log" tabIndex={0} onScroll={onScroll}>
        {visible.length === 0 ? (
          <div className="build-log-empty">
            {filtering
              ? "No lines match the search."
              : state === "ended"
                ? "The log is empty."
                : state === "interrupted"
                  ? "No log lines."
                  : "Waiting for the log…"}
          </div>
        ) : (
          visible.map((line) => <LogLineView key={line.number} line={line} />)
        )}
      </div>
      {state === "ended" && (
        <Box variant="small" color="text-status-inactive">
          End of log · {lines.length} {lines.length === 1 ? "line" : "lines"}
        </Box>
      )}
    </SpaceBetween>
  );
}
