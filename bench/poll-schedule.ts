/**
 * Arithmetic on a poll schedule (the times at which out-of-band checks are made): how long a
 * completion at a given time waits to be noticed, and that wait's mean and worst case.
 */

/** Delay to notice a click at `t`, read off a poll schedule: the next check at or after `t`. */
export function delayFromSchedule(checks: number[], t: number): number | null {
  const next = checks.find((c) => c >= t);
  return next === undefined ? null : next - t;
}

/** Mean and worst delay to notice, for a click uniformly spread over [from, to] (exact, from the schedule). */
export function delayStats(checks: number[], from: number, to: number): { mean: number; max: number } {
  let area = 0;
  let max = 0;
  let prev = from;
  for (const c of checks) {
    if (c <= from) continue;
    const end = Math.min(c, to);
    // Over [prev, end] the delay falls linearly from c - prev to c - end.
    area += ((c - prev + (c - end)) / 2) * (end - prev);
    max = Math.max(max, c - prev);
    prev = end;
    if (c >= to) break;
  }
  return { mean: area / (to - from), max };
}
