/** What an attempt needs to be compared: its score out of the points its cluster could evaluate. */
export type ScoredAttempt = { score: number; maxScore: number; startedAt: Date };

/**
 * The learner's best attempt. Attempts on different clusters can have different maxima (a check a node
 * cannot evaluate leaves the maximum), so the share of the maximum decides, then the score, then recency.
 */
export function bestAttempt<T extends ScoredAttempt>(attempts: T[]): T | undefined {
  const share = (a: T) => (a.maxScore > 0 ? a.score / a.maxScore : 0);
  return attempts.reduce<T | undefined>((best, a) => {
    if (best === undefined) return a;
    if (share(a) !== share(best)) return share(a) > share(best) ? a : best;
    if (a.score !== best.score) return a.score > best.score ? a : best;
    return a.startedAt > best.startedAt ? a : best;
  }, undefined);
}

/** Points of an attempt's checks its cluster could not evaluate (left out of its maximum). */
export function unsupportedPointsOf(checks: Array<{ status: string; points: number }>): number {
  return checks.reduce((sum, c) => sum + (c.status === "unsupported" ? c.points : 0), 0);
}
