// The data-center URL field of the HTTP API: the domain's rule (src/domain/data-center-url.ts) as a zod schema.
import { z } from 'zod';
import { checkDataCenterUrl, DATA_CENTER_URL_EXAMPLE as EXAMPLE } from '../../domain/data-center-url.ts';

export const baseUrlSchema = z
  .string({ message: `is required: the data-center URL, such as ${EXAMPLE}` })
  .max(2048)
  .transform((raw, ctx) => {
    const checked = checkDataCenterUrl(raw);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }
    return checked.url;
  })
  .describe(`Data-center root URL, e.g. ${EXAMPLE}`);
