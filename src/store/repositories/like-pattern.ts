import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * Case-insensitive "contains" on both databases: SQLite's LIKE ignores ASCII case and PostgreSQL's
 * does not, so both sides are lowered; % and _ typed by a person are matched literally.
 */
export function containsIgnoringCase(column: string, text: string): RawBuilder<SqlBool> {
  const pattern = '%' + text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
