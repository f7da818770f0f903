// A text file's lines in a <pre> with their numbers, as the CodeCommit console shows a file.
// Content is rendered as text: a file is never markup here.
import { splitLines } from "../diff";
import "./code.css";

export function CodeLines({ text, label }: { text: string; label: string }) {
  const lines = splitLines(text);
  return (
    <pre className="pw-code" role="region" aria-label={label} tabIndex={0}>
      {lines.map((line, index) => (
        <span className="pw-code-line" key={index}>
          <span className="pw-code-number" aria-hidden="true">
            {index + 1}
          </span>
          {line}
        </span>
      ))}
    </pre>
  );
}
