/**
 * Grouped writes for a hot single-row statement: the calls of one turn of the event loop (the
 * step jobs of one fetched batch, the answers read in one poll) go to the database together, as
 * one statement and one commit, at the end of that turn. No call waits for another statement.
 *
 * Measured on the workflow engine (bench/workflows.ts): each statement costs the worker a socket
 * write and the database a round trip and a commit, which a batch pays once.
 *
 * - Calls with one `keyOf` (one row) go in separate batches, one after the other, in order:
 *   PostgreSQL updates a row once per statement whatever the rows that name it.
 * - A batch that fails goes again call by call (a failed statement wrote nothing), so a bad
 *   input fails its own call only.
 */
export function groupStatements<Input, Output>(
  run: (inputs: Input[]) => Promise<Output[]>,
  { maxBatch, keyOf }: { maxBatch: number; keyOf: (input: Input) => string },
): (input: Input) => Promise<Output> {
  type Call = { input: Input; resolve: (output: Output) => void; reject: (error: unknown) => void };
  let waiting: Call[] = [];

  async function send(batch: Call[]): Promise<void> {
    try {
      const outputs = await run(batch.map((call) => call.input));
      batch.forEach((call, index) => call.resolve(outputs[index]!));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const call of batch) await send([call]);
    }
  }

  function sendWaiting(): void {
    const batches: { calls: Call[]; keys: Set<string> }[] = [];
    for (const call of waiting) {
      const key = keyOf(call.input);
      let batch = batches.find((candidate) => candidate.calls.length < maxBatch && !candidate.keys.has(key));
      if (!batch) batches.push((batch = { calls: [], keys: new Set() }));
      batch.calls.push(call);
      batch.keys.add(key);
    }
    waiting = [];
    void (async () => {
      for (const batch of batches) await send(batch.calls);
    })();
  }

  return (input) =>
    new Promise<Output>((resolve, reject) => {
      if (!waiting.length) setImmediate(sendWaiting);
      waiting.push({ input, resolve, reject });
    });
}
