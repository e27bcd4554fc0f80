// The engine of the Function step: a team's `function run(parameters)` run in QuickJS compiled to
// WebAssembly. Nothing of Node is reachable from inside — no network, files, timers, modules or
// process — only the language and its built-ins (Date, Math, JSON, RegExp, Map, Promise, …) and
// a `console` whose lines are captured.
//
// The WebAssembly module is loaded once per process and reused; every call gets a runtime and a
// context of its own (its own heap, globals, memory limit and deadline) and frees them before it
// returns, so one call (or team) never sees another's globals (a fresh runtime costs about 0.05 ms
// more than a fresh context in a shared one, measured on the 2-core dev machine on 2026-12-07: not
// worth sharing a heap between teams).
// Nothing here throws for anything the team's code does: each failure is an outcome with a code.
//
// `run` may be async: the promise it returns is settled by running the sandbox's pending jobs
// within the same deadline. Nothing outside can settle it later (there are no timers or I/O),
// so a promise still pending once those jobs are done is refused as function_invalid.
import {
  newQuickJSWASMModule,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten";
import { functionMemoryMb, functionResultKb, functionTimeoutMs } from "@/lib/config/env";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface FunctionLimits {
  /** Run time of one call (parsing, `run`, its async jobs and serializing the result). */
  timeoutMs: number;
  /** Memory the call's QuickJS heap may hold. */
  memoryBytes: number;
  /** Size of the result as UTF-8 JSON. */
  resultBytes: number;
  /** console lines kept (the first ones); later lines are dropped. */
  logLines: number;
  /** Characters kept of one console line; a longer line ends with "…". */
  logLineChars: number;
}

export type FunctionErrorCode =
  | "function_threw"
  | "function_timeout"
  | "function_out_of_memory"
  | "function_result_not_json"
  | "function_result_too_large"
  | "function_invalid";

export interface FunctionError {
  code: FunctionErrorCode;
  message: string;
  /** Line of the team's code the error points at, when QuickJS knows it. */
  line?: number;
}

export type FunctionOutcome = { ok: true; result: JsonValue; logs: string[] } | { ok: false; error: FunctionError; logs: string[] };

/** The limits from SWITCHBOARD_FUNCTION_TIMEOUT_MS, _MEMORY_MB and _RESULT_KB (100 ms, 32 MB, 256 KB by default). */
export function defaultFunctionLimits(): FunctionLimits {
  return {
    timeoutMs: functionTimeoutMs(),
    memoryBytes: functionMemoryMb() * 1024 * 1024,
    resultBytes: functionResultKb() * 1024,
    logLines: 100,
    logLineChars: 1000,
  };
}

/** The name the team's code is evaluated under, so its stack frames (and lines) can be told from ours. */
const CODE_FILE = "function.js";
const SANDBOX_FILE = "sandbox.js";

// QuickJS checks its stack against this limit, but WebAssembly frames also use Node's own native
// stack, which no setting of ours enlarges: measured with 128 KB, JSON.stringify of an array
// nested 100,000 deep already overflowed Node's stack (a host RangeError) before QuickJS's check
// fired, while 64 KB turns every deep recursion tried (plain, JSON.parse, JSON.stringify, Proxy
// traps) into a QuickJS "stack overflow" error. It allows about 370 nested calls of a small function.
// (Measured 2026-12-07 with quickjs-emscripten 0.32 on Node 24.)
const MAX_STACK_BYTES = 64 * 1024;

// Evaluated before the team's code, with JSON.stringify captured, so the console formats values
// like Node does for JSON-able ones (strings as they are, objects as JSON) whatever the team's code
// later does to JSON; `emit` answers false once no more lines are kept, and formatting stops.
const CONSOLE_SOURCE = `(function (emit, stringify, maxChars) {
  const format = (value) => {
    if (typeof value === "string") return value;
    if (typeof value === "bigint") return value + "n";
    if (typeof value === "function") return "[Function: " + (value.name || "(anonymous)") + "]";
    if (value instanceof Error) return String(value);
    if (typeof value === "object" && value !== null) {
      try { return stringify(value) ?? String(value); } catch { return String(value); }
    }
    return String(value);
  };
  let full = false;
  const write = (...values) => {
    if (!full) full = !emit(values.map(format).join(" ").slice(0, maxChars + 1));
  };
  globalThis.console = { log: write, info: write, warn: write, error: write, debug: write };
})`;

const RUN_LOOKUP_SOURCE = `typeof run === "function" ? run : undefined`;

/**
 * This thread's CPU time in ms, which the deadline counts: the time the function ran, not time the
 * worker spent descheduled on a busy machine (a 1 ms call took up to 56 ms of wall time with both
 * cores of the 2-core dev machine loaded, measured 2026-12-07). A Node without
 * process.threadCpuUsage (added in 23.9) counts wall time.
 */
const runTimeMs: () => number =
  typeof process.threadCpuUsage === "function"
    ? () => {
        const { user, system } = process.threadCpuUsage();
        return (user + system) / 1000;
      }
    : () => performance.now();

let quickJs: Promise<QuickJSWASMModule> | undefined;

function loadQuickJs(): Promise<QuickJSWASMModule> {
  quickJs ??= newQuickJSWASMModule().catch((error: unknown) => {
    quickJs = undefined;
    throw error;
  });
  return quickJs;
}

/**
 * Runs `run(parameters)` from the team's `code` and answers its JSON result and console lines,
 * or the error that stopped it. Parameters go in as JSON and the result comes out as JSON: no
 * value of the host is ever shared with the sandbox.
 */
export async function runFunction({
  code,
  parameters,
  limits,
}: {
  code: string;
  parameters: JsonValue;
  limits?: Partial<FunctionLimits>;
}): Promise<FunctionOutcome> {
  const applied = { ...defaultFunctionLimits(), ...limits };
  const loading = loadQuickJs();
  const quickJsModule = await loading;
  const logs: string[] = [];
  const handles: QuickJSHandle[] = [];
  let runtime: QuickJSRuntime | undefined;
  let context: QuickJSContext | undefined;
  let intact = true;
  try {
    runtime = quickJsModule.newRuntime();
    runtime.setMemoryLimit(applied.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const deadlineMs = runTimeMs() + applied.timeoutMs;
    const deadline = { passed: false };
    // QuickJS asks every 10,000 or so calls and jumps. Once past the deadline every later ask
    // interrupts too (QuickJS also makes the interruption uncatchable), so a `catch` cannot resume
    // the loop. Native work between asks is not interrupted: a loop whose every turn is a large
    // built-in call (`new Array(100000).fill("x").join("")`) was stopped only after 5.9 s of CPU
    // (on the 2-core dev machine, 2026-12-07).
    runtime.setInterruptHandler(() => (deadline.passed ||= runTimeMs() > deadlineMs));
    context = runtime.newContext();
    return execute({ runtime, context, code, parameters, limits: applied, logs, handles, deadline });
  } catch (error) {
    // Not an error of the team's code (those come back as guest exceptions) but of the WebAssembly
    // side, e.g. Node's own stack exhausted inside it: its state can no longer be trusted, so the
    // module is dropped (the next call loads a fresh one) and nothing in it is touched again.
    intact = false;
    if (quickJs === loading) quickJs = undefined;
    return {
      ok: false,
      error: { code: "function_threw", message: `The sandbox stopped: ${error instanceof Error ? error.message : String(error)}` },
      logs,
    };
  } finally {
    if (intact) {
      try {
        for (const handle of handles.reverse()) if (handle.alive) handle.dispose();
        context?.dispose();
        runtime?.dispose();
      } catch {
        // Freeing failed (a handle leaked by a bug of ours): the module's heap is suspect, so drop it.
        if (quickJs === loading) quickJs = undefined;
      }
    }
  }
}

interface Execution {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  code: string;
  parameters: JsonValue;
  limits: FunctionLimits;
  logs: string[];
  /** Every handle made, freed by runFunction whatever happens. */
  handles: QuickJSHandle[];
  deadline: { passed: boolean };
}

function execute({ runtime, context, code, parameters, limits, logs, handles, deadline }: Execution): FunctionOutcome {
  const keep = (handle: QuickJSHandle) => (handles.push(handle), handle);
  const failed = (error: QuickJSHandle): FunctionOutcome => ({
    ok: false,
    error: describeGuestError(context, keep(error), deadline.passed),
    logs,
  });

  // Captured before the team's code runs, which may replace JSON's methods.
  const json = keep(context.getProp(context.global, "JSON"));
  const parse = keep(context.getProp(json, "parse"));
  const stringify = keep(context.getProp(json, "stringify"));

  const emit = keep(
    context.newFunction("emit", (line) => {
      if (logs.length >= limits.logLines) return context.false;
      const text = context.getString(line);
      logs.push(text.length > limits.logLineChars ? `${text.slice(0, limits.logLineChars)}…` : text);
      return logs.length < limits.logLines ? context.true : context.false;
    }),
  );
  const installConsole = context.evalCode(CONSOLE_SOURCE, SANDBOX_FILE, { type: "global" });
  if (installConsole.error) return failed(installConsole.error);
  const installed = context.callFunction(
    keep(installConsole.value),
    context.undefined,
    emit,
    stringify,
    keep(context.newNumber(limits.logLineChars)),
  );
  if (installed.error) return failed(installed.error);
  keep(installed.value);

  // "global", not the default detection: `import`/`export` in the code is a syntax error, not a module.
  const evaluated = context.evalCode(code, CODE_FILE, { type: "global" });
  if (evaluated.error) return failed(evaluated.error);
  keep(evaluated.value);
  const lookup = context.evalCode(RUN_LOOKUP_SOURCE, SANDBOX_FILE, { type: "global" });
  if (lookup.error) return failed(lookup.error);
  const run = keep(lookup.value);
  if (context.typeof(run) !== "function") {
    return { ok: false, error: { code: "function_invalid", message: "The code does not define `function run(parameters) { … }`." }, logs };
  }

  const parsed = context.callFunction(parse, json, keep(context.newString(JSON.stringify(parameters))));
  if (parsed.error) return failed(parsed.error);
  const called = context.callFunction(run, context.undefined, keep(parsed.value));
  if (called.error) return failed(called.error);
  let result = keep(called.value);

  let state = context.getPromiseState(result);
  if (state.type === "pending") {
    while (runtime.hasPendingJob()) {
      const jobs = runtime.executePendingJobs();
      if (jobs.error) return failed(jobs.error);
      state = context.getPromiseState(result);
      if (state.type !== "pending") break;
    }
  }
  if (state.type === "pending") {
    return {
      ok: false,
      error: {
        code: "function_invalid",
        message: "run returned a promise that never settles: nothing in the sandbox (no timers, no network) can settle it later.",
      },
      logs,
    };
  }
  if (state.type === "rejected") return failed(state.error);
  if (!state.notAPromise) result = keep(state.value);

  const serialized = context.callFunction(stringify, json, result);
  if (serialized.error) {
    const outcome = failed(serialized.error);
    // A cycle or a BigInt makes JSON.stringify throw a TypeError; a timeout or lack of memory stays what it is.
    if (outcome.ok || outcome.error.code !== "function_threw") return outcome;
    return { ok: false, error: { code: "function_result_not_json", message: `The result is not JSON: ${outcome.error.message}` }, logs };
  }
  const text = keep(serialized.value);
  if (context.typeof(text) !== "string") {
    return {
      ok: false,
      error: { code: "function_result_not_json", message: `The result is not JSON: run returned ${context.typeof(result)}.` },
      logs,
    };
  }
  // A UTF-16 length over the limit is over it in UTF-8 bytes too: no need to copy it out to know.
  const tooLarge = {
    ok: false as const,
    error: { code: "function_result_too_large" as const, message: `The result is larger than ${formatBytes(limits.resultBytes)} as JSON.` },
    logs,
  };
  if ((context.getLength(text) ?? 0) > limits.resultBytes) return tooLarge;
  const resultJson = context.getString(text);
  if (Buffer.byteLength(resultJson) > limits.resultBytes) return tooLarge;
  return { ok: true, result: JSON.parse(resultJson) as JsonValue, logs };
}

/** What a value thrown in the sandbox means: its code, message and the line of the team's code it points at. */
function describeGuestError(context: QuickJSContext, error: QuickJSHandle, deadlinePassed: boolean): FunctionError {
  const dumped: unknown = context.dump(error);
  const details =
    typeof dumped === "object" && dumped !== null
      ? (dumped as { name?: unknown; message?: unknown; stack?: unknown; lineNumber?: unknown; fileName?: unknown })
      : undefined;
  const name = typeof details?.name === "string" ? details.name : undefined;
  const message =
    typeof details?.message === "string"
      ? details.message
      : typeof dumped === "string"
        ? dumped
        : (JSON.stringify(dumped) ?? String(dumped));
  const line = errorLine(details);
  const at = line === undefined ? {} : { line };
  if (deadlinePassed && name === "InternalError" && message === "interrupted") {
    return { code: "function_timeout", message: "The function ran past its time limit and was stopped.", ...at };
  }
  if (name === "InternalError" && message === "out of memory") {
    return { code: "function_out_of_memory", message: "The function ran out of memory and was stopped.", ...at };
  }
  if (name === "SyntaxError" && details?.fileName === CODE_FILE)
    return { code: "function_invalid", message: `SyntaxError: ${message}`, ...at };
  return { code: "function_threw", message: name ? `${name}: ${message}` : message, ...at };
}

function errorLine(details: { stack?: unknown; lineNumber?: unknown; fileName?: unknown } | undefined): number | undefined {
  if (details?.fileName === CODE_FILE && typeof details.lineNumber === "number") return details.lineNumber;
  if (typeof details?.stack !== "string") return undefined;
  // The first frame in the team's code, e.g. "    at run (function.js:3:11)".
  const frame = new RegExp(`${CODE_FILE.replace(".", "\\.")}:(\\d+)`).exec(details.stack);
  return frame ? Number(frame[1]) : undefined;
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`;
}
