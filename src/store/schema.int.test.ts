// schema.ts is what the compiler believes the database holds; the migrations are what it holds. This
// reads the `Schema` interface out of schema.ts (with the TypeScript parser, so nothing is listed
// twice) and compares it, table by table and column by column, with a database the migrations
// built, on each database: a migration that adds a table or a column schema.ts does not describe,
// or a type naming one that no migration made, fails here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDatabases } from '../../test/support/databases.ts';
import type { Store } from './store.ts';

/** table → its columns, as schema.ts declares them. */
function declaredSchema(): Map<string, string[]> {
  const path = fileURLToPath(new URL('./schema.ts', import.meta.url));
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const memberNames = (node: ts.InterfaceDeclaration) => node.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text);
  const root = interfaces.get('Schema');
  if (root === undefined) throw new Error('schema.ts has no Schema interface');
  const tables = new Map<string, string[]>();
  for (const member of root.members.filter(ts.isPropertySignature)) {
    const typeName = member.type !== undefined && ts.isTypeReferenceNode(member.type) ? (member.type.typeName as ts.Identifier).text : undefined;
    const table = typeName === undefined ? undefined : interfaces.get(typeName);
    if (table === undefined) throw new Error(`Schema.${(member.name as ts.Identifier).text} is not an interface of schema.ts`);
    tables.set((member.name as ts.Identifier).text, memberNames(table).sort());
  }
  return tables;
}

async function builtSchema(store: Store): Promise<Map<string, string[]>> {
  const rows =
    store.dialect === 'postgres'
      ? (
          await sql<{ table: string; column: string }>`select table_name as table, column_name as column from information_schema.columns
            where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(store.db)
        ).rows
      : (
          await sql<{ table: string; column: string }>`select m.name as "table", p.name as "column" from sqlite_master m join pragma_table_info(m.name) p
            where m.type = 'table' and m.name not like 'kysely_%' and m.name not like 'sqlite_%'`.execute(store.db)
        ).rows;
  const tables = new Map<string, string[]>();
  for (const { table, column } of rows) tables.set(table, [...(tables.get(table) ?? []), column]);
  for (const columns of tables.values()) columns.sort();
  return tables;
}

describe.each(testDatabases())('schema.ts against the migrations on $name', (t) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(t));
  });
  afterEach(() => cleanup?.());

  it('describes every table the migrations make, with exactly their columns', async () => {
    const declared = declaredSchema();
    const built = await builtSchema(store);
    expect([...declared.keys()].sort()).toEqual([...built.keys()].sort());
    for (const [table, columns] of built) expect({ table, columns: declared.get(table) }).toEqual({ table, columns });
  });
});
