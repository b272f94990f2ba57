// What the package ships (package.json `files`, as `npm pack` lists it) and the naming rule that
// keeps test support out of it: under src/ and emulators/, a file that only tests use is named
// `test-support.ts` or `<what>.test-support.ts`, like the tests themselves (`*.test.ts`) it is left
// out of the package, and no shipped file imports one.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEST_ONLY = /(\.test\.ts|test-support\.ts)$/;
const SOURCE = /\.(ts|mjs|js)$/;

function walk(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(path.join(ROOT, rel)).isDirectory() ? walk(rel) : [rel];
  });
}

/** The relative imports of a file (static, dynamic, re-exports), as paths from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

describe('package contents', () => {
  const packed: string[] = (
    JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { files: { path: string }[] }[]
  )[0]!.files.map((f) => f.path);

  it('ships the CLI, the hub, the portal and the emulators, and no test or test support', () => {
    expect(packed).toEqual(expect.arrayContaining(['bin/psa-bridge.mjs', 'package.json', 'src/cli/demo.ts', 'src/http/server.ts', 'web/index.html', 'emulators/acronis/server.ts']));
    expect(packed.filter((f) => TEST_ONLY.test(f) || f.startsWith('test/') || f.startsWith('bench/'))).toEqual([]);
  });

  it('every relative import of a shipped file is shipped too', () => {
    const shipped = new Set(packed);
    const missing = packed.filter((f) => SOURCE.test(f)).flatMap((f) => importsOf(f).filter((target) => SOURCE.test(target) && !shipped.has(target)).map((target) => `${f} → ${target}`));
    expect(missing).toEqual([]);
  });

  it('a file under src/ or emulators/ that only tests (or the bench) use is named *test-support.ts', () => {
    const files = ['bin', 'src', 'emulators', 'test', 'bench'].flatMap(walk).filter((f) => SOURCE.test(f));
    const usedBy = new Map<string, string[]>();
    for (const f of files) for (const target of importsOf(f)) usedBy.set(target, [...(usedBy.get(target) ?? []), f]);
    const testSide = (f: string) => TEST_ONLY.test(f) || f.startsWith('test/') || f.startsWith('bench/');
    const unnamed = files.filter((f) => (f.startsWith('src/') || f.startsWith('emulators/')) && !TEST_ONLY.test(f) && (usedBy.get(f) ?? []).length > 0 && usedBy.get(f)!.every(testSide));
    expect(unnamed).toEqual([]);
  });
});
