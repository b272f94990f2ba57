// The integration a route's `:id` names, or the API's 404 when there is none: every
// /integrations/:id/… route starts with it.
import type { Integration } from '../store/repositories/integrations.ts';
import { notFound } from './api-error.ts';

export async function integrationOrNotFound(integrations: { get(id: string): Promise<Integration | undefined> }, id: string): Promise<Integration> {
  const integration = await integrations.get(id);
  if (integration === undefined) throw notFound('integration', id);
  return integration;
}
