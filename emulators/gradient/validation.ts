// Request-body checks in the words NestJS's ValidationPipe (class-validator) answers with: a 400
// whose `message` lists every failed constraint ("category must be one of the following values: …").

export type Body = Record<string, unknown>;

export class Checks {
  readonly messages: string[] = [];

  constructor(
    readonly body: Body,
    readonly prefix = '',
  ) {}

  #name(field: string): string {
    return `${this.prefix}${field}`;
  }

  string(field: string, options: { required?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (options.required === true) {
        if (options.nonEmpty === true) this.messages.push(`${this.#name(field)} should not be empty`);
        this.messages.push(`${this.#name(field)} must be a string`);
      }
      return undefined;
    }
    if (typeof value !== 'string') {
      this.messages.push(`${this.#name(field)} must be a string`);
      return undefined;
    }
    if (options.nonEmpty === true && value.trim() === '') {
      this.messages.push(`${this.#name(field)} should not be empty`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(field: string, values: readonly T[], options: { required?: boolean } = {}): T | undefined {
    const value = this.body[field];
    if (value === undefined && options.required !== true) return undefined;
    // Case-sensitive, as Gradient checks since SDK commit d9d8f7f.
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    this.messages.push(`${this.#name(field)} must be one of the following values: ${values.join(', ')}`);
    return undefined;
  }

  number(field: string, options: { required?: boolean; min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (options.required === true) this.messages.push(`${this.#name(field)} must be a number conforming to the specified constraints`);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || (options.integer === true && !Number.isInteger(value))) {
      this.messages.push(
        options.integer === true ? `${this.#name(field)} must be an integer number` : `${this.#name(field)} must be a number conforming to the specified constraints`,
      );
      return undefined;
    }
    if (options.min !== undefined && value < options.min) {
      this.messages.push(`${this.#name(field)} must not be less than ${options.min}`);
      return undefined;
    }
    if (options.max !== undefined && value > options.max) {
      this.messages.push(`${this.#name(field)} must not be greater than ${options.max}`);
      return undefined;
    }
    return value;
  }

  isoDate(field: string): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      this.messages.push(`${this.#name(field)} must be a valid ISO 8601 date string`);
      return undefined;
    }
    return value;
  }
}

export const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Mongo ObjectId, which Gradient's ids are; anything else is "an invalid Id type". */
export const isObjectId = (value: string) => /^[0-9a-f]{24}$/i.test(value);
