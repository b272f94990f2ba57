// The Autotask REST error shape (reference §A.4): `{"errors":["…"]}`, an array of plain strings, with
// the status the real API uses (500 for a bad user or integration code, not 401). Handlers throw
// AtError; the scope's error handler writes it.

export class AtError extends Error {
  readonly messages: string[];
  constructor(
    readonly status: number,
    messages: string | string[],
    readonly headers: Record<string, string> = {},
  ) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.messages = list;
  }
}

export const errorBody = (_status: number, message: string) => ({ errors: [message] });

export const badRequest = (messages: string | string[]) => new AtError(400, messages);
export const notFound = (entity: string, id: number | string) => new AtError(404, `No ${entity} with id ${id} was found.`);
export const methodNotAllowed = (method: string) => new AtError(405, `The requested resource does not support http method '${method}'.`);
