/** The current time as Kubernetes writes timestamps: RFC 3339 in UTC, whole seconds. */
export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A duration the way kubectl prints ages and restarts (`45s`, `3m20s`, `5h`, `2d`). */
export function shortDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d`;
}

/** Human age the way kubectl prints it (`5s`, `3m20s`, `2d`). */
export function humanAge(since: string | undefined, now: number): string {
  if (!since) return "<unknown>";
  return shortDuration(now - Date.parse(since));
}
