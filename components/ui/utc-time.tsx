const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A date as the dashboard shows it: "Nov 23, 2026, 9:34 AM", in UTC. */
export function formatUtc(date: Date): string {
  return `${dateFormat.format(date)} UTC`;
}

export function UtcTime({ date }: { date: Date }) {
  return <time dateTime={date.toISOString()}>{formatUtc(date)}</time>;
}
