// Test-only: the raw-fetch calls every emulator's tests and the hub's harnesses make, so they see
// exactly what a foreign client would (status, headers, body) without each writing its own fetch.

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP call; a JSON body is sent as JSON, the answer parsed as JSON when it is (text otherwise, undefined when empty). */
export async function rawCall(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  const res = await fetch(url, {
    method,
    // The caller's headers win: a test may send another content type on purpose.
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** The emulator's control API (`/_emulator/…`) as a function that returns the parsed answer and throws on an error status. */
export function emulatorControl(emulatorUrl: string): <T = any>(method: string, path: string, body?: unknown) => Promise<T> {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const reply = await rawCall(`${emulatorUrl}/_emulator${path}`, method, {}, body);
    if (reply.status >= 400) throw new Error(`control ${method} ${path}: ${reply.status} ${typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)}`);
    return reply.body as T;
  };
}
