import { describe, expect, it } from "vitest";
import { type FunctionOutcome, runFunction } from "./function-sandbox";

// The real QuickJS WebAssembly module, loaded once for the file like in a worker.

function failure(outcome: FunctionOutcome) {
  if (outcome.ok) throw new Error(`expected a failure, got the result ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

const tasks = Array.from({ length: 100 }, (_, i) => ({
  id: `task_${i}`,
  title: `Task ${i}`,
  status: i % 2 === 0 ? "done" : "open",
  points: i,
}));

describe("runFunction", () => {
  it("maps 100 objects and answers the JSON result", async () => {
    const outcome = await runFunction({
      code: `function run(parameters) {
        return parameters.tasks.filter((task) => task.status === "done").map((task) => ({ id: task.id, title: task.title.toUpperCase() }));
      }`,
      parameters: { tasks },
    });
    expect(outcome).toEqual({
      ok: true,
      result: tasks.filter((task) => task.status === "done").map((task) => ({ id: task.id, title: task.title.toUpperCase() })),
      logs: [],
    });
  });

  it("passes parameters in with their JSON types", async () => {
    const parameters = {
      text: 'a "quoted" ${x} `tick` </script>',
      number: 1.5,
      zero: 0,
      flag: false,
      nothing: null,
      list: [1, "2", { three: 3 }],
      nested: { deep: { er: [] } },
    };
    const outcome = await runFunction({
      code: "function run(p) { return { types: Object.keys(p).map((key) => [key, p[key] === null ? 'null' : Array.isArray(p[key]) ? 'array' : typeof p[key]]), echo: p }; }",
      parameters,
    });
    expect(outcome).toEqual({
      ok: true,
      result: {
        types: [
          ["text", "string"],
          ["number", "number"],
          ["zero", "number"],
          ["flag", "boolean"],
          ["nothing", "null"],
          ["list", "array"],
          ["nested", "object"],
        ],
        echo: parameters,
      },
      logs: [],
    });
  });

  it("fails with the thrown message and its line", async () => {
    const outcome = await runFunction({
      code: "function run(p) {\n  const limit = 3;\n  throw new Error(`too many: ${limit}`);\n}",
      parameters: {},
    });
    expect(failure(outcome)).toEqual({ code: "function_threw", message: "Error: too many: 3", line: 3 });
  });

  it("fails with a thrown value that is not an Error", async () => {
    expect(failure(await runFunction({ code: "function run() { throw 'plain'; }", parameters: {} }))).toMatchObject({
      code: "function_threw",
      message: "plain",
    });
  });

  it("refuses code without `function run` and code that does not parse, with the line", async () => {
    expect(failure(await runFunction({ code: "function walk(parameters) { return 1; }", parameters: {} }))).toMatchObject({
      code: "function_invalid",
      message: expect.stringContaining("function run(parameters)"),
    });
    expect(failure(await runFunction({ code: "function run(p) {\n  return {;\n}", parameters: {} }))).toMatchObject({
      code: "function_invalid",
      message: expect.stringContaining("SyntaxError"),
      line: 2,
    });
    // A module's import is a syntax error, not a way to load anything.
    expect(failure(await runFunction({ code: "import fs from 'fs';\nfunction run() { return 1; }", parameters: {} }))).toMatchObject({
      code: "function_invalid",
      line: 1,
    });
  });

  it("stops an endless loop at the time limit, even one that catches", async () => {
    expect(failure(await runFunction({ code: "function run() { while (true) {} }", parameters: {}, limits: { timeoutMs: 50 } })).code).toBe(
      "function_timeout",
    );
    expect(
      failure(
        await runFunction({
          code: "function run() { for (;;) { try { while (true) {} } catch (e) {} } }",
          parameters: {},
          limits: { timeoutMs: 50 },
        }),
      ).code,
    ).toBe("function_timeout");
  });

  it("stops a 100 MB allocation at the memory limit", async () => {
    expect(failure(await runFunction({ code: "function run() { return new Array(1e8).fill(1).length; }", parameters: {} })).code).toBe(
      "function_out_of_memory",
    );
    expect(failure(await runFunction({ code: "function run() { return 'x'.repeat(1e8).length; }", parameters: {} })).code).toBe(
      "function_out_of_memory",
    );
    expect(failure(await runFunction({ code: "function run() { return new Uint8Array(1e8).length; }", parameters: {} })).code).toBe(
      "function_out_of_memory",
    );
  });

  it("turns deep recursion into an error, also inside JSON.parse and JSON.stringify", async () => {
    expect(
      failure(await runFunction({ code: "function run() { const down = (n) => down(n + 1) + 1; return down(0); }", parameters: {} })),
    ).toMatchObject({ code: "function_threw", message: "InternalError: stack overflow" });
    expect(failure(await runFunction({ code: "function run() { return JSON.parse('['.repeat(100000)); }", parameters: {} })).code).toBe(
      "function_threw",
    );
    expect(
      failure(
        await runFunction({ code: "function run() { let a = []; for (let i = 0; i < 100000; i++) a = [a]; return a; }", parameters: {} }),
      ).code,
    ).toBe("function_result_not_json");
  });

  it.each([
    ["undefined", "function run() {}"],
    ["a function", "function run() { return () => 1; }"],
    ["a symbol", "function run() { return Symbol('s'); }"],
    ["a cycle", "function run() { const a = { name: 'a' }; a.self = a; return a; }"],
    ["a BigInt", "function run() { return { n: 1n }; }"],
  ])("refuses %s as the result", async (_, code) => {
    expect(failure(await runFunction({ code, parameters: {} })).code).toBe("function_result_not_json");
  });

  it("refuses a result over the size limit", async () => {
    const code = "function run(p) { return 'x'.repeat(p.size); }";
    expect(failure(await runFunction({ code, parameters: { size: 300 * 1024 } }))).toEqual({
      code: "function_result_too_large",
      message: "The result is larger than 256 KB as JSON.",
    });
    // Measured in UTF-8 bytes of the JSON: 100 three-byte characters and two quotes.
    expect(
      failure(await runFunction({ code: "function run() { return '€'.repeat(100); }", parameters: {}, limits: { resultBytes: 301 } })).code,
    ).toBe("function_result_too_large");
    expect(
      await runFunction({ code: "function run() { return '€'.repeat(100); }", parameters: {}, limits: { resultBytes: 302 } }),
    ).toMatchObject({ ok: true });
  });

  it("reaches nothing of Node: no fetch, require, process, timers or modules", async () => {
    const outcome = await runFunction({
      code: `async function run() {
        let imported;
        try { await import("fs"); imported = "loaded"; } catch (error) { imported = String(error); }
        return [typeof fetch, typeof require, typeof process, typeof setTimeout, typeof setInterval, typeof module, typeof Buffer, imported];
      }`,
      parameters: {},
    });
    expect(outcome).toMatchObject({
      ok: true,
      result: [
        "undefined",
        "undefined",
        "undefined",
        "undefined",
        "undefined",
        "undefined",
        "undefined",
        expect.stringContaining("could not load module"),
      ],
    });
  });

  it("settles an async run within the limits, and refuses a promise that can never settle", async () => {
    expect(
      await runFunction({ code: "async function run(p) { const n = await Promise.resolve(p.n); return n * 2; }", parameters: { n: 21 } }),
    ).toMatchObject({ ok: true, result: 42 });
    expect(
      failure(await runFunction({ code: "async function run() { await null;\n  throw new TypeError('late'); }", parameters: {} })),
    ).toMatchObject({ code: "function_threw", message: "TypeError: late", line: 2 });
    expect(failure(await runFunction({ code: "function run() { return new Promise(() => {}); }", parameters: {} })).code).toBe(
      "function_invalid",
    );
    expect(
      failure(
        await runFunction({ code: "async function run() { await null; while (true) {} }", parameters: {}, limits: { timeoutMs: 50 } }),
      ).code,
    ).toBe("function_timeout");
  });

  it("captures console lines like Node prints JSON-able values, the first ones, each capped", async () => {
    const outcome = await runFunction({
      code: `function run() {
        console.log("count", 3, { a: [1, "b"] }, null, undefined, true);
        console.error(new Error("bad"));
        console.warn("x".repeat(50));
        for (let i = 0; i < 20; i++) console.info("line " + i);
        return "done";
      }`,
      parameters: {},
      limits: { logLines: 5, logLineChars: 20 },
    });
    expect(outcome).toEqual({
      ok: true,
      result: "done",
      logs: ['count 3 {"a":[1,"b"]…', "Error: bad", `${"x".repeat(20)}…`, "line 0", "line 1"],
    });
    // The lines written before a failure are kept too.
    expect(
      await runFunction({ code: "function run() { console.log('before'); throw new Error('after'); }", parameters: {} }),
    ).toMatchObject({ ok: false, logs: ["before"] });
  });

  it("keeps working after failed calls, and no call sees another's globals", async () => {
    await runFunction({ code: "function run() { while (true) {} }", parameters: {}, limits: { timeoutMs: 20 } });
    await runFunction({ code: "function run() { return new Array(1e8).fill(1); }", parameters: {} });
    await runFunction({
      code: "globalThis.leaked = 'team a'; Object.prototype.polluted = true; JSON.stringify = () => '\"hijacked\"'; function run() { return 1; }",
      parameters: {},
    });
    const outcome = await runFunction({
      code: "function run(p) { return [typeof leaked, typeof ({}).polluted, JSON.stringify(p)]; }",
      parameters: { a: 1 },
    });
    expect(outcome).toEqual({ ok: true, result: ["undefined", "undefined", '{"a":1}'], logs: [] });
  });

  it("reads the result with the JSON.stringify captured before the team's code ran", async () => {
    const outcome = await runFunction({
      code: "JSON.stringify = () => 'not json'; function run() { return { kept: true }; }",
      parameters: {},
    });
    expect(outcome).toEqual({ ok: true, result: { kept: true }, logs: [] });
  });
});
