/**
 * Table-driven fixture loading: every `<case>.expected.json` under a folder names its
 * input file (same base name, any other extension), the parser to run, the source of
 * the capture, and the expected reading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface FixtureCase {
  /** Path relative to test/fixtures. */
  name: string;
  input: Buffer;
  /** Where the capture came from (`owner/repo : path @ commit`), or `synthetic: why`. */
  source: string;
  parser: string;
  /** Optional text-encoding hint passed to the decoder (e.g. `gbk`). */
  encoding?: string;
  expected: unknown;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Loads every case under `test/fixtures/<sub>`; throws on a case missing its input or source. */
export function loadFixtureCases(sub: string): FixtureCase[] {
  const root = join(FIXTURES_DIR, sub);
  const files = walk(root);
  return files
    .filter((f) => f.endsWith('.expected.json'))
    .sort()
    .map((expectedFile) => {
      const base = basename(expectedFile, '.expected.json');
      const dir = dirname(expectedFile);
      const input = files.find((f) => dirname(f) === dir && basename(f) !== basename(expectedFile) && basename(f).startsWith(`${base}.`) && !f.endsWith('.expected.json'));
      if (!input) throw new Error(`fixture ${expectedFile} has no input file`);
      const meta = JSON.parse(readFileSync(expectedFile, 'utf8')) as { source?: string; parser?: string; encoding?: string; expected?: unknown };
      if (!meta.source || !meta.parser || !('expected' in meta)) throw new Error(`fixture ${expectedFile} needs source, parser and expected`);
      return {
        name: relative(FIXTURES_DIR, input),
        input: readFileSync(input),
        source: meta.source,
        parser: meta.parser,
        ...(meta.encoding ? { encoding: meta.encoding } : {}),
        expected: meta.expected,
      };
    });
}
