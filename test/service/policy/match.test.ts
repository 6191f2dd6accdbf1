import { describe, expect, it } from 'vitest';
import { findResource, matchResourceByHostPath, normalizeHost, normalizeRequestPath } from '../../../src/service/policy/index.js';
import { mustLoad } from './doubles.js';

const POLICY = mustLoad(`version: 1
segments:
  public: { requirements: {} }
  strict: { requirements: { disk_encryption: { required: true } } }
resources:
  - name: site
    segment: public
    match: { hosts: [inference.ai.internal], path_prefix: / }
  - name: docs
    segment: public
    match: { hosts: [inference.ai.internal], path_prefix: /public/ }
  - name: admin
    segment: strict
    match: { hosts: [inference.ai.internal], path_prefix: /admin }
  - name: admin-keys
    segment: strict
    match: { hosts: [inference.ai.internal, keys.ai.internal], path_prefix: /admin/keys }
`);

describe('matchResourceByHostPath', () => {
  const CASES: [host: string, path: string, resource: string | undefined][] = [
    ['inference.ai.internal', '/', 'site'],
    ['inference.ai.internal', '/anything/else', 'site'],
    ['inference.ai.internal', '/public', 'docs'],
    ['inference.ai.internal', '/public/a.html?x=1#top', 'docs'],
    ['inference.ai.internal', '/publicity', 'site'],
    ['inference.ai.internal', '/admin', 'admin'],
    ['inference.ai.internal', '/admin/', 'admin'],
    ['inference.ai.internal', '/admin/keys/1', 'admin-keys'],
    ['keys.ai.internal', '/admin/keys', 'admin-keys'],
    ['keys.ai.internal', '/', undefined],
    ['INFERENCE.AI.Internal:8443', '/admin', 'admin'],
    ['inference.ai.internal.', '/admin', 'admin'],
    ['other.ai.internal', '/', undefined],
    ['inference.ai.internal.evil.com', '/', undefined],
    ['inference.ai.internal:abc', '/', undefined],
    // Longest prefix and normalisation: the strict resource must win on every spelling.
    ['inference.ai.internal', '/public/../admin', 'admin'],
    ['inference.ai.internal', '/public/%2e%2e/admin', 'admin'],
    ['inference.ai.internal', '/public/%2E%2E/admin/keys', 'admin-keys'],
    ['inference.ai.internal', '/public/./../admin', 'admin'],
    ['inference.ai.internal', '//admin', 'admin'],
    ['inference.ai.internal', '/%61dmin', 'admin'],
    // Ambiguous spellings match nothing (and are denied).
    ['inference.ai.internal', '/../admin', undefined],
    ['inference.ai.internal', '/public/%2e%2e/%2e%2e/admin', undefined],
    ['inference.ai.internal', '/public%2f..%2fadmin', undefined],
    ['inference.ai.internal', '/public/%252e%252e/admin', undefined],
    ['inference.ai.internal', '/public\\..\\admin', undefined],
    ['inference.ai.internal', '/admin%00', undefined],
    ['inference.ai.internal', '/bad%zz', undefined],
    ['inference.ai.internal', 'admin', undefined],
    ['inference.ai.internal', 'http://inference.ai.internal/admin', undefined],
  ];

  it.each(CASES)('%s %s → %s', (host, path, expected) => {
    expect(matchResourceByHostPath(POLICY, host, path)?.name).toBe(expected);
  });
});

describe('normalisation helpers', () => {
  it('strips ports from IPv6 literals and rejects junk', () => {
    expect(normalizeHost('[::1]:8080')).toBe('[::1]');
    expect(normalizeHost('[::1')).toBeUndefined();
    expect(normalizeHost('a b')).toBeUndefined();
    expect(normalizeHost('')).toBeUndefined();
  });

  it('normalises paths to their served form', () => {
    expect(normalizeRequestPath('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(normalizeRequestPath('/')).toBe('/');
    expect(normalizeRequestPath('/x'.repeat(5000))).toBeUndefined();
  });
});

describe('findResource', () => {
  it('finds resources by exact name only', () => {
    expect(findResource(POLICY, 'admin')?.segment).toBe('strict');
    expect(findResource(POLICY, 'ADMIN')).toBeUndefined();
    expect(findResource(POLICY, 'constructor')).toBeUndefined();
  });
});
