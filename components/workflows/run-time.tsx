const format = new Intl.DateTimeFormat("en", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "UTC",
});

/** A moment of a run, to the second, in UTC: "Dec 1, 2026, 8:18:05 AM UTC". */
export function RunTime({ date }: { date: Date | string }) {
  const value = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(value.getTime())) return <span>—</span>;
  return <time dateTime={value.toISOString()}>{`${format.format(value)} UTC`}</time>;
}
