// Bounded log of API calls (control routes excluded), so tests and benchmarks can count calls without
// the emulator growing without limit under load.

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  /** The fault kind that answered (or delayed) the request, if any. 0 status = no answer. */
  fault?: string;
}

export class RequestLog {
  readonly #capacity: number;
  readonly #buffer: RequestLogEntry[] = [];
  #start = 0;
  #total = 0;

  constructor(capacity = 1000) {
    if (capacity < 1) throw new Error('request log capacity must be at least 1');
    this.#capacity = capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Calls seen since the last clear, including those the ring buffer already dropped. */
  get total(): number {
    return this.#total;
  }

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.#total++;
    const full: RequestLogEntry = { seq: this.#total, ...entry };
    if (this.#buffer.length < this.#capacity) this.#buffer.push(full);
    else {
      this.#buffer[this.#start] = full;
      this.#start = (this.#start + 1) % this.#capacity;
    }
  }

  /** Oldest first. */
  list(): RequestLogEntry[] {
    return [...this.#buffer.slice(this.#start), ...this.#buffer.slice(0, this.#start)];
  }

  clear(): void {
    this.#buffer.length = 0;
    this.#start = 0;
    this.#total = 0;
  }
}
