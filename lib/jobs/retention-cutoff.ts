// The one date computation of the retention tasks (lib/jobs/retention.ts): what is older is deleted.
// Its own module, because the tasks' modules import it and retention.ts imports them.

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant `days` whole days (of 24 hours) before `now`: rows older than it have outlived their retention. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
