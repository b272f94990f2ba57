// The audit trail a person reads: who changed which mapping or setting (the audit log) and what
// each pass wrote to the targets (the journal's completed steps), merged newest first, filtered
// by integration, actor and kind, paged by time. Entries carry names (the integration's, the
// company's, the user's) so the portal never shows a bare id.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actionFilterOf, AUDIT_KINDS, kindOf } from '../../../domain/audit-kind.ts';
import type { AuditEntry } from '../../../store/repositories/audit-log.ts';
import type { JournalEntry } from '../../../store/repositories/journal.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';

const entrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string().describe('A username, token:<name>, or system (a pass)'),
  kind: z.string(),
  action: z.string(),
  integrationId: z.string().nullable(),
  integrationName: z.string().nullable(),
  subject: z.string().nullable().describe('What was changed, by name: a company, a user, a setting section…'),
  details: z.record(z.string(), z.unknown()),
});
type Entry = z.infer<typeof entrySchema>;

const NAME_KEYS = ['companyName', 'tenantName', 'username', 'name', 'section', 'loop'] as const;

/** The first name-like field of a payload: what a person recognises the subject by. */
function nameIn(details: unknown): string | null {
  if (details === null || typeof details !== 'object') return null;
  const record = details as Record<string, unknown>;
  for (const key of NAME_KEYS) if (typeof record[key] === 'string' && record[key] !== '') return record[key] as string;
  for (const inner of Object.values(record)) {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const found = nameIn(inner);
      if (found !== null) return found;
    }
  }
  return null;
}

export const auditRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { auditLog, journal, integrations } = deps.store.repos;

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who changed what, and what each pass wrote; newest first, paged with `before`',
        querystring: z.object({
          integrationId: z.string().min(1).optional(),
          actor: z.string().min(1).optional().describe('A username, token:<name> or system'),
          kind: z.enum(AUDIT_KINDS, { message: `must be one of ${AUDIT_KINDS.join(', ')}` }).optional(),
          before: z
            .string()
            .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z(~.+)?$/, 'must be an ISO time such as 2025-01-31T12:00:00.000Z, or the nextBefore of a page')
            .optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({ items: z.array(entrySchema), nextBefore: z.string().nullable().describe('Pass as `before` for the next page (`<time>~<id>`); null at the end') }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request) => {
      const { integrationId, actor, kind, limit } = request.query;
      // A page ends at an entry: `<at>~<id>`, so entries of the same millisecond are neither lost nor repeated.
      const [before, beforeId] = request.query.before === undefined ? [undefined, undefined] : (request.query.before.split(/~(.*)/s) as [string, string | undefined]);
      const cursor = { ...(before === undefined ? {} : { before }), ...(beforeId ? { beforeId } : {}) };
      const names = new Map((await integrations.list()).map((i) => [i.id, i.name]));
      const wantsPeople = kind !== 'pass';
      // A pass's writes have no person behind them: they show for "system" or for no actor filter.
      const wantsPasses = (kind === undefined || kind === 'pass') && (actor === undefined || actor === 'system');

      const people: AuditEntry[] = wantsPeople
        ? await auditLog.list({
            ...(integrationId === undefined ? {} : { subjectType: 'integration', subjectId: integrationId }),
            ...(actor === undefined ? {} : { actor }),
            ...cursor,
            ...(kind === undefined ? {} : { actionPrefixes: actionFilterOf(kind).include, excludePrefixes: actionFilterOf(kind).exclude }),
            limit: limit + 1,
          })
        : [];
      const passes: JournalEntry[] = wantsPasses
        ? await journal.listDone({ ...(integrationId === undefined ? {} : { integrationId }), ...cursor, limit: limit + 1 })
        : [];

      const fromAudit = (e: AuditEntry): Entry => {
        const onIntegration = e.subjectType === 'integration' ? e.subjectId : null;
        const section = /^integration\.settings\.([^.]+)\./.exec(e.action)?.[1];
        return {
          id: e.id,
          at: e.at,
          actor: e.actor,
          kind: kindOf(e.action),
          action: e.action,
          integrationId: onIntegration,
          integrationName: onIntegration === null ? null : (names.get(onIntegration) ?? (typeof e.details.name === 'string' ? e.details.name : null)),
          subject: section !== undefined ? `${section} settings` : (nameIn(e.details) ?? (e.subjectType === 'integration' ? null : e.subjectType)),
          details: e.details,
        };
      };
      const fromJournal = (j: JournalEntry): Entry => ({
        id: j.id,
        at: j.updatedAt,
        actor: 'system',
        kind: 'pass',
        action: `${j.loop}.${j.operation}`,
        integrationId: j.integrationId,
        integrationName: names.get(j.integrationId) ?? null,
        subject: nameIn(j.payload),
        details: { loop: j.loop, operation: j.operation, ...(j.externalId === null ? {} : { externalId: j.externalId }), payload: j.payload },
      });

      // The same order as the databases' (at desc, id desc; ids are ASCII UUIDs, so code-unit order is theirs).
      const desc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);
      const merged = [...people.map(fromAudit), ...passes.map(fromJournal)].sort((a, b) => desc(a.at, b.at) || desc(a.id, b.id));
      const items = merged.slice(0, limit);
      const last = items.at(-1);
      return { items, nextBefore: merged.length > limit && last !== undefined ? `${last.at}~${last.id}` : null };
    },
  );
};
