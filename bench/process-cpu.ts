// CPU time of processes, from /proc (Linux), for the benchmark's reports.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Every process's command name, parent and CPU ticks so far (user + system), from /proc (Linux); undefined where /proc cannot be read. */
function processStats(): Map<number, { name: string; ppid: number; ticks: number }> | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = new Map<number, { name: string; ppid: number; ticks: number }>();
  for (const pid of entries) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name is in parentheses and may hold spaces: the fields start after the last ")".
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(pid), {
        name: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return stats;
}

/** User+system CPU seconds of every process named `postgres` on this machine (Linux /proc), undefined when there is none to read. */
export function postgresCpuSeconds(): number | undefined {
  const postgres = [...(processStats()?.values() ?? [])].filter((stat) => stat.name === "postgres");
  return postgres.length ? postgres.reduce((sum, stat) => sum + stat.ticks, 0) / TICKS_PER_SECOND : undefined;
}

/**
 * CPU seconds (user + system) used so far by a process and its descendants, from /proc
 * (Linux); undefined where /proc cannot be read.
 */
export function treeCpuSeconds(rootPid: number | undefined): number | undefined {
  if (rootPid === undefined) return undefined;
  const stats = processStats();
  if (!stats?.has(rootPid)) return undefined;
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let ticks = 0;
  const queue = [rootPid];
  for (let i = 0; i < queue.length && i < stats.size; i++) {
    const pid = queue[i]!;
    ticks += stats.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}
