import "server-only";
import postgres from "postgres";
import { getDatabase } from "./client";

/** What migration 0017's trigger on workflow_runs notifies, with the run's id, in the transaction that ends a run (and 0020's when a run answers). */
export const RUN_ENDED_CHANNEL = "switchboard_run_ended";

/**
 * LISTENs for runs' ends, whichever process ended them: `onEnded` gets each run's id once the
 * ending transaction commits. Resolves once listening. PostgreSQL: a connection of its own
 * (postgres.js LISTENs again after a reconnect); PGlite: the one instance's own notifications.
 */
export async function listenForRunEnds({ onEnded }: { onEnded: (runId: string) => void }): Promise<{ close(): Promise<void> }> {
  const { jobs } = await getDatabase();
  if (jobs.kind === "pglite") {
    const unlisten = await jobs.client.listen(RUN_ENDED_CHANNEL, onEnded);
    return { close: unlisten };
  }
  const client = postgres(jobs.url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: "switchboard-run-waits" },
  });
  try {
    await client.listen(RUN_ENDED_CHANNEL, onEnded);
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }
  return { close: () => client.end({ timeout: 5 }) };
}
