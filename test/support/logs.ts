// What the app's logger (lib/log.ts) writes, captured for a Vitest test: its real JSON lines.
import { log, setLogDestination } from "@/lib/log";

export interface CapturedLogs {
  /** Everything written, as written. */
  text(): string;
  /** Each line, parsed. */
  entries(): Record<string, unknown>[];
  /** Puts stdout back as the destination, and the level as it was. */
  restore(): void;
}

/** Captures every log line from now on, at every level down to `level` (info by default: one line per API request). */
export function captureLogs(level: "info" | "debug" = "info"): CapturedLogs {
  const chunks: string[] = [];
  const previousLevel = log.level;
  log.level = level;
  const putBack = setLogDestination({ write: (line: string) => void chunks.push(line) });
  const text = () => chunks.join("");
  return {
    text,
    entries: () =>
      text()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      putBack();
      log.level = previousLevel;
    },
  };
}
