/** Saving a ticket link's events, shared by both ticket loops. */
import { DomainError } from '../domain/domain-error.ts';
import { applyLinkEvent, type LinkEvent } from '../domain/ticket-link.ts';
import type { Repositories } from '../store/store.ts';
import { linkConflict, type LinkEventSource, type LinkLabels, type StoredLink } from '../store/repositories/alert-links.ts';
import { noopLog, type TicketLoopLog } from './ticket-loop-env.ts';

/**
 * Applies link events to the stored link of `episode`, re-reading and re-applying on a concurrent
 * write. An event the link's state no longer allows (the tickets loop recorded a technician's close
 * before the hub's own close was saved) is skipped: the link already says what the target says.
 */
export async function saveLinkEvents(
  repos: Pick<Repositories, 'alertLinks'>,
  integrationId: string,
  keyString: string,
  episode: number,
  events: readonly LinkEvent[],
  source: LinkEventSource,
  labels: Partial<LinkLabels> = {},
  log: TicketLoopLog = noopLog,
): Promise<StoredLink> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const stored = (await repos.alertLinks.history(integrationId, keyString)).find((candidate) => candidate.link.episode === episode);
    if (stored === undefined) throw new DomainError('link_mismatch', `no ticket link for episode ${episode} of alert key ${keyString}`, { keyString, episode });
    let next = stored.link;
    const applied: LinkEvent[] = [];
    for (const event of events) {
      try {
        next = applyLinkEvent(next, event);
        applied.push(event);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'invalid_transition') throw error;
        log.info({ keyString, episode, event: event.type, reason: error.message }, 'link event skipped: the link already reflects it');
      }
    }
    if (applied.length === 0 && Object.keys(labels).length === 0) return stored;
    if (await repos.alertLinks.update(stored, next, applied, source, labels)) return { ...stored, link: next, version: stored.version + 1 };
  }
  throw linkConflict(integrationId, keyString);
}
