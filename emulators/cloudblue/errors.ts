// CloudBlue PSA publishes no error shape (reference/psa.md §C.1). The instance is an ASP.NET Web API
// (`/webapi/v1.3/…`), so the emulator answers the way that framework does by default: a JSON object
// with `Message` (and `ModelState` for invalid input). Proposed, not documented. Handlers throw
// CbError; the API scope's error handler writes it.

export class CbError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** ASP.NET-style field errors: `{ "request.CustomerId": ["…"] }`. */
    readonly modelState?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export const errorBody = (_status: number, message: string): { Message: string } => ({ Message: message });

export const badRequest = (message: string, modelState?: Record<string, string[]>) => new CbError(400, message, modelState);
export const notFound = (what: string, id: number | string) => new CbError(404, `${what} ${id} was not found.`);
/** The text ASP.NET Web API's [Authorize] answers with. */
export const unauthorized = () => new CbError(401, 'Authorization has been denied for this request.');
