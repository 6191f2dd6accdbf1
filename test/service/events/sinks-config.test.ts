import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEventsConfig } from '../../../src/service/events/sinks-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posture-evcfg-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function load(yaml: string, opts: { sharedStore?: boolean } = {}) {
  const path = join(dir, 'events.yaml');
  await writeFile(path, yaml);
  return loadEventsConfig(path, { dataDir: join(dir, 'data'), sharedStore: opts.sharedStore ?? false });
}

describe('events config file', () => {
  it('reads push receivers and OCSF sinks, secrets from their own files, relative paths beside the file', async () => {
    await writeFile(join(dir, 'gw.token'), 'Bearer abc\n');
    const cfg = await load(`
caep_push:
  - name: gw-eu
    endpoint: https://gw.example/caep
    authorization_file: gw.token
ocsf:
  pseudonymize_users: true
  sinks:
    - { name: local, file: ocsf.jsonl }
    - { name: siem, url: "http://127.0.0.1:9999/ingest", batch_size: 100 }
`);
    expect(cfg.caepPush).toEqual([{ name: 'gw-eu', endpoint: 'https://gw.example/caep', audience: 'https://gw.example/caep', authorization: 'Bearer abc' }]);
    expect(cfg.ocsf?.sinks).toEqual([
      { name: 'local', batchSize: 500, kind: 'file', file: join(dir, 'ocsf.jsonl') },
      { name: 'siem', batchSize: 100, kind: 'http', url: 'http://127.0.0.1:9999/ingest' },
    ]);
    // The default pseudonym key is created once, 0600, and reused.
    const keyPath = join(dir, 'data', 'ocsf-pseudonym.key');
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(cfg.ocsf?.pseudonymKey ?? [])).toEqual(await readFile(keyPath));
    const again = await load('ocsf: { pseudonymize_users: true, sinks: [{ name: a, file: x }] }');
    expect(Buffer.from(again.ocsf?.pseudonymKey ?? [])).toEqual(await readFile(keyPath));
  });

  it.each([
    ['an unknown key', 'caep_push: [{ name: a, endpoint: "https://x", extra: 1 }]', /caep_push\/0/],
    ['plain http to a remote host', 'caep_push: [{ name: a, endpoint: "http://gw.example/caep" }]', /must be https/],
    ['credentials in the URL', 'caep_push: [{ name: a, endpoint: "https://u:p@gw.example/" }]', /credentials/],
    ['two sinks with one name', 'ocsf: { sinks: [{ name: a, file: x }, { name: a, file: y }] }', /two ocsf entries are named "a"/],
    ['a bad name', 'caep_push: [{ name: "../x", endpoint: "https://x" }]', /name/],
    ['a missing secret file', 'caep_push: [{ name: a, endpoint: "https://x", authorization_file: nope }]', /cannot read .*ENOENT/],
    ['a key file without pseudonymisation', 'ocsf: { pseudonym_key_file: k, sinks: [{ name: a, file: x }] }', /pseudonymize_users is not true/],
    ['YAML aliases bombs and junk', 'a: &a [1]\nb: *a\n: : :', /events config: /],
  ])('refuses %s with one line', async (_what, yaml, message) => {
    await expect(load(yaml)).rejects.toThrow(message);
  });

  it('refuses a secret with a line break (header injection) and a group-readable pseudonym key', async () => {
    await writeFile(join(dir, 'bad.token'), 'Bearer a\nX-Evil: 1\n');
    await expect(load('caep_push: [{ name: a, endpoint: "https://x", authorization_file: bad.token }]')).rejects.toThrow(/one line of printable ASCII/);
    await writeFile(join(dir, 'k'), Buffer.alloc(32, 1));
    await chmod(join(dir, 'k'), 0o640);
    await expect(load('ocsf: { pseudonymize_users: true, pseudonym_key_file: k, sinks: [{ name: a, file: x }] }')).rejects.toThrow(/chmod 600/);
  });

  it('with several replicas, pseudonymisation needs a shared key file', async () => {
    await expect(load('ocsf: { pseudonymize_users: true, sinks: [{ name: a, file: x }] }', { sharedStore: true })).rejects.toThrow(/every replica shares/);
  });
});
