/**
 * Something a plan could not do, or chose not to do, said so a person can act on it. Problems are
 * part of a plan (a dry run shows them; the loop records them on the mapping) rather than thrown:
 * one company's bad contract must not stop the loop for the others.
 */
export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface PlanProblem<Code extends string = string> {
  code: Code;
  severity: ProblemSeverity;
  message: string;
  /** Ids and values the message is about (company, contract, line, item, infra). */
  context: Record<string, string | number | boolean | null>;
}

export function problem<Code extends string>(
  code: Code,
  severity: ProblemSeverity,
  message: string,
  context: PlanProblem['context'] = {},
): PlanProblem<Code> {
  return { code, severity, message, context };
}
