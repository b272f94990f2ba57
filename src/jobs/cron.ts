// Five-field cron (minute hour day-of-month month day-of-week), evaluated in UTC. The pg-boss runner
// feeds it the database's clock, so every worker agrees on when a cron schedule is due.
// pg-boss 10 has its own cron, but keyed by queue name (one schedule per queue); schedules here are
// per (integration, loop), so the runner keeps them in a table of its own and uses this to step them.
import { JobError } from './job-runner.ts';

export interface CronExpression {
  source: string;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Standard cron: when both day fields are restricted, a day matching either is a match. */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function invalid(source: string, why: string): JobError {
  return new JobError('invalid_schedule', `"${source}" is not a five-field cron expression: ${why}`);
}

function parseField(source: string, text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw invalid(source, `the ${field.name} field has "${part}"`);
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    let from: number = field.min;
    let to: number = field.max;
    if (match[1] !== '*') {
      from = Number(match[2]);
      // "5/15" means from 5 to the end in steps of 15.
      to = match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? field.max : from;
    }
    if (step < 1 || from < field.min || to > field.max || from > to) {
      throw invalid(source, `the ${field.name} field "${part}" is outside ${field.min}-${field.max}`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseCron(source: string): CronExpression {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5) throw invalid(source, `it has ${parts.length} fields`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((p, i) => parseField(source, p, FIELDS[i]!));
  if (daysOfWeek!.has(7)) daysOfWeek!.add(0);
  return {
    source,
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: daysOfMonth!,
    months: months!,
    daysOfWeek: daysOfWeek!,
    domRestricted: parts[2] !== '*',
    dowRestricted: parts[4] !== '*',
  };
}

function dayMatches(cron: CronExpression, d: Date): boolean {
  const dom = cron.daysOfMonth.has(d.getUTCDate());
  const dow = cron.daysOfWeek.has(d.getUTCDay());
  if (cron.domRestricted && cron.dowRestricted) return dom || dow;
  return dom && dow;
}

/** The first minute strictly after `after` that the expression matches (UTC). */
export function nextCronTime(cron: CronExpression, after: Date): Date {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  // Five years covers every satisfiable expression (29 February included).
  const limit = after.getTime() + 5 * 366 * 24 * 60 * 60_000;
  while (t.getTime() <= limit) {
    if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(cron, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t;
    }
  }
  throw invalid(cron.source, 'it never matches a date');
}
