// function: the worker CPU one call of the Function step's sandbox (lib/workflows/function-sandbox.ts)
// adds — a fresh QuickJS runtime and context, the team's code parsed, run and its JSON result
// read back — for a function that maps 100 objects (the goal: ≤ 1 ms p50), beside a
// function that returns at once (what any call costs). Runs in this process: no database or server.
import { runFunction } from "@/lib/workflows/function-sandbox";

export const FUNCTION_CPU_P50_GOAL_MS = 1;

const MAP_CODE = `function run(parameters) {
  return parameters.tasks.map((task) => ({ id: task.id, title: task.title.toUpperCase(), done: task.status === "done" }));
}`;
const EMPTY_CODE = "function run() { return null; }";

export interface FunctionStepRow {
  name: string;
  calls: number;
  cpuP50Ms: number;
  cpuP99Ms: number;
  cpuMeanMs: number;
  wallP50Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function measureCalls(
  name: string,
  code: string,
  parameters: Parameters<typeof runFunction>[0]["parameters"],
  calls: number,
): Promise<FunctionStepRow> {
  // Warm-up: the WebAssembly module is loaded by the first call, and V8 optimizes the host side.
  for (let i = 0; i < 50; i++) await check(code, parameters);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < calls; i++) {
    const startCpu = process.cpuUsage();
    const startWall = performance.now();
    await check(code, parameters);
    wall.push(performance.now() - startWall);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  return {
    name,
    calls,
    cpuP50Ms: percentile(cpu, 0.5),
    cpuP99Ms: percentile(cpu, 0.99),
    cpuMeanMs: cpu.reduce((sum, value) => sum + value, 0) / calls,
    wallP50Ms: percentile(wall, 0.5),
  };
}

async function check(code: string, parameters: Parameters<typeof runFunction>[0]["parameters"]): Promise<void> {
  const outcome = await runFunction({ code, parameters });
  if (!outcome.ok) throw new Error(`function: a call failed: ${outcome.error.code}: ${outcome.error.message}`);
}

export async function runFunctionStepBench({ calls }: { calls: number }): Promise<FunctionStepRow[]> {
  const tasks = Array.from({ length: 100 }, (_, i) => ({
    id: `task_${i}`,
    title: `Task number ${i}`,
    status: i % 3 === 0 ? "done" : "open",
    assignee: { id: i, name: `User ${i}` },
  }));
  return [await measureCalls("map 100 objects", MAP_CODE, { tasks }, calls), await measureCalls("return null", EMPTY_CODE, {}, calls)];
}
