/**
 * The store contract: one suite, run against every backend (SQLite and PostgreSQL).
 * Each case opens a fresh, empty database; `another()` opens a second `Store` on the
 * SAME database, as a second service replica would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AttestationWrite, DeviceState, Store } from '../../../src/service/store/types.js';

export const NOW = 1_780_000_000_000;

export interface StoreHandle {
  store: Store;
  /** A second, independent Store on the same database (another replica). */
  another(): Promise<Store>;
}

export const device = (n: number) => ({ id: `dev_${String(n).padStart(16, 'x')}`, jkt: `jkt-${n}`, publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, enrolledAt: NOW });

export async function enrolled(store: Store, n = 1): Promise<string> {
  await store.createEnrollmentCode({ hash: `code-${n}`, user: 'alice', groups: ['data-scientists'], createdAt: NOW, expiresAt: NOW + 3_600_000 });
  const rec = await store.enrollDevice(`code-${n}`, NOW, device(n));
  if (typeof rec === 'string') throw new Error(rec);
  return rec.id;
}

export function state(deviceId: string, earStatus: DeviceState['earStatus'] = 'affirming'): DeviceState {
  return { deviceId, attestedAt: NOW, freshUntil: NOW + 900_000, earStatus, resources: { 'feature-store': { decision: 'allow', reasons: [], message: 'ok' } }, segments: {}, checks: {}, resultJti: `r-${Math.random()}`, updatedAt: NOW };
}

export function write(deviceId: string, nonce: string, jti: string): AttestationWrite {
  return { deviceId, nonce, jti, jtiExpiresAt: NOW + 180_000, receivedAt: NOW, state: state(deviceId), submods: { edr: { status: 'pass' } } };
}

/**
 * Defines the contract cases for one backend.
 * @param open a fresh, empty, migrated database.
 * @param cleanup called after each case (the suite closes every store it opened first).
 */
export function describeStoreContract(name: string, open: () => Promise<StoreHandle>, cleanup: () => Promise<void> = async () => undefined): void {
  describe(`${name} store (contract)`, () => {
    const opened: Store[] = [];
    const fresh = async (): Promise<StoreHandle & { second(): Promise<Store> }> => {
      const h = await open();
      opened.push(h.store);
      return {
        ...h,
        async second() {
          const s = await h.another();
          opened.push(s);
          return s;
        },
      };
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
      await cleanup();
    });

    it('enrols a device with a code exactly once and binds the user and groups of the code', async () => {
      const { store } = await fresh();
      await store.createEnrollmentCode({ hash: 'h1', user: 'alice', groups: ['data-scientists'], createdAt: NOW, expiresAt: NOW + 1000 });
      const first = await store.enrollDevice('h1', NOW, device(1));
      expect(first).toMatchObject({ user: 'alice', groups: ['data-scientists'] });
      expect(await store.enrollDevice('h1', NOW, device(2))).toBe('code-invalid');
      expect((await store.listDevices()).map((d) => d.id)).toEqual([device(1).id]);
      expect(await store.getDevice(device(1).id)).toEqual({ ...device(1), user: 'alice', groups: ['data-scientists'] });
      expect((await store.getDeviceByJkt('jkt-1'))?.id).toBe(device(1).id);
      expect(await store.getDevice('nope')).toBeUndefined();
    });

    it('refuses an expired or unknown code and a key that is already enrolled (the code stays usable)', async () => {
      const { store } = await fresh();
      await store.createEnrollmentCode({ hash: 'old', user: 'bob', groups: [], createdAt: NOW, expiresAt: NOW + 10 });
      expect(await store.enrollDevice('old', NOW + 10, device(1))).toBe('code-invalid');
      expect(await store.enrollDevice('nope', NOW, device(1))).toBe('code-invalid');
      await enrolled(store, 1);
      await store.createEnrollmentCode({ hash: 'again', user: 'bob', groups: [], createdAt: NOW, expiresAt: NOW + 1000 });
      expect(await store.enrollDevice('again', NOW, { ...device(2), jkt: device(1).jkt })).toBe('key-in-use');
      expect(await store.enrollDevice('again', NOW, device(2))).toMatchObject({ user: 'bob' });
    });

    it('stores an attestation once: the nonce is single-use and a replayed jti is refused', async () => {
      const { store } = await fresh();
      const id = await enrolled(store);
      await store.createNonce('n1', NOW + 60_000);
      await store.createNonce('n2', NOW + 60_000);
      expect(await store.recordAttestation(write(id, 'n1', 'j1'))).toBe('stored');
      expect(await store.recordAttestation(write(id, 'n1', 'j2'))).toBe('nonce-invalid');
      expect(await store.recordAttestation(write(id, 'n2', 'j1'))).toBe('replayed');
      expect(await store.countAttestations(id)).toBe(1);
      // The replay was rolled back: its nonce is still usable once.
      expect(await store.recordAttestation(write(id, 'n2', 'j3'))).toBe('stored');
      expect(await store.countAttestations()).toBe(2);
      expect(await store.latestSubmods(id)).toEqual({ edr: { status: 'pass' } });
    });

    it('refuses an expired nonce and an attestation from a revoked or unknown device', async () => {
      const { store } = await fresh();
      const id = await enrolled(store);
      await store.createNonce('late', NOW - 1);
      expect(await store.recordAttestation(write(id, 'late', 'j1'))).toBe('nonce-invalid');
      await store.createNonce('n', NOW + 60_000);
      expect(await store.recordAttestation(write('dev_unknown', 'n', 'j0'))).toBe('device-revoked');
      expect(await store.revokeDevice(id, NOW)).toBe(true);
      expect(await store.revokeDevice(id, NOW)).toBe(false);
      expect(await store.recordAttestation(write(id, 'n', 'j2'))).toBe('device-revoked');
      expect(await store.getDeviceState(id)).toBeUndefined();
      expect((await store.getDevice(id))?.revokedAt).toBe(NOW);
    });

    it('stores a burst of concurrent attestations, every one counted', async () => {
      const { store } = await fresh();
      const ids = await Promise.all([1, 2, 3, 4].map((n) => enrolled(store, n)));
      const writes = Array.from({ length: 100 }, (_, i) => write(ids[i % 4] ?? '', `n${i}`, `j${i}`));
      await Promise.all(writes.map((w) => store.createNonce(w.nonce, NOW + 60_000)));
      const outcomes = await Promise.all(writes.map((w) => store.recordAttestation(w)));
      expect(outcomes.every((o) => o === 'stored')).toBe(true);
      expect(await store.countAttestations()).toBe(100);
      expect(await store.countAttestations(ids[0])).toBe(25);
    });

    it('keeps the latest state per device and an ordered event trail', async () => {
      const { store } = await fresh();
      const id = await enrolled(store);
      await store.createNonce('n', NOW + 60_000);
      await store.recordAttestation(write(id, 'n', 'j'));
      expect((await store.getDeviceState(id))?.resources['feature-store']?.decision).toBe('allow');
      await store.saveDeviceState({ ...state(id, 'warning'), updatedAt: NOW + 1 });
      expect((await store.getDeviceState(id))?.earStatus).toBe('warning');
      await store.appendEvent('device.compliance-changed', id, { from: 'affirming', to: 'warning' }, NOW + 2);
      await store.revokeDevice(id, NOW + 5);
      const events = await store.listEvents(0, 10);
      expect(events.map((e) => e.type)).toEqual(['device.enrolled', 'device.compliance-changed', 'device.revoked']);
      expect(events[1]).toMatchObject({ deviceId: id, at: NOW + 2, data: { from: 'affirming', to: 'warning' } });
      expect(events[2]?.seq).toBeGreaterThan(events[1]?.seq ?? 0);
      expect((await store.listEvents(events[0]?.seq ?? 0, 1)).map((e) => e.type)).toEqual(['device.compliance-changed']);
    });

    it('writes an attestation\'s events in its transaction, and none when it is refused', async () => {
      const { store } = await fresh();
      const id = await enrolled(store);
      await store.createNonce('n1', NOW + 60_000);
      const events = [
        { type: 'device.attested', deviceId: id, at: NOW, data: { earStatus: 'affirming' } },
        { type: 'device.compliance-changed', deviceId: id, at: NOW, data: { from: 'none', to: 'affirming' } },
      ];
      expect(await store.recordAttestation({ ...write(id, 'n1', 'j1'), events })).toBe('stored');
      // Refused (nonce used, jti replayed): its events are not written either.
      expect(await store.recordAttestation({ ...write(id, 'n1', 'j2'), events })).toBe('nonce-invalid');
      await store.createNonce('n2', NOW + 60_000);
      expect(await store.recordAttestation({ ...write(id, 'n2', 'j1'), events })).toBe('replayed');
      const trail = await store.listEvents(0, 10);
      expect(trail.map((e) => e.type)).toEqual(['device.enrolled', 'device.attested', 'device.compliance-changed']);
      expect(trail[1]).toMatchObject({ deviceId: id, at: NOW, data: { earStatus: 'affirming' } });
      expect(await store.lastEventSeq()).toBe(trail[2]?.seq);
    });

    it('appends a batch of events in order; lastEventSeq follows; an empty table says 0', async () => {
      const { store } = await fresh();
      expect(await store.lastEventSeq()).toBe(0);
      await store.appendEvents([]);
      await store.appendEvents(Array.from({ length: 50 }, (_, i) => ({ type: 'authz.denied', at: NOW + i, data: { i }, ...(i % 2 ? { deviceId: 'dev_x' } : {}) })));
      const events = await store.listEvents(0, 100);
      expect(events.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(events[1]?.deviceId).toBe('dev_x');
      expect(events[0]?.deviceId).toBeUndefined();
      expect(await store.lastEventSeq()).toBe(events[49]?.seq);
    });

    it('tells its listeners after events are appended, and stops after unsubscribe', async () => {
      const { store } = await fresh();
      let calls = 0;
      const woken = () => new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no notification within 5 s')), 5000);
        const off = store.onEvents(() => {
          calls += 1;
          clearTimeout(t);
          off();
          resolve();
        });
      });
      const first = woken();
      // PostgreSQL: the listener connects asynchronously; appends after LISTEN are announced.
      await new Promise((r) => setTimeout(r, 300));
      await store.appendEvent('device.revoked', 'dev_x', {}, NOW);
      await first;
      expect(calls).toBe(1);
    });

    it('gives a lease to one holder at a time until it expires or is released', async () => {
      const { store } = await fresh();
      expect(await store.acquireLease('sink:x', 'a', NOW, 10_000)).toBe(true);
      expect(await store.acquireLease('sink:x', 'b', NOW + 1, 10_000)).toBe(false);
      // The holder renews.
      expect(await store.acquireLease('sink:x', 'a', NOW + 5_000, 10_000)).toBe(true);
      expect(await store.acquireLease('sink:x', 'b', NOW + 12_000, 10_000)).toBe(false);
      // Expired: another holder takes over, and the old one cannot renew.
      expect(await store.acquireLease('sink:x', 'b', NOW + 15_001, 10_000)).toBe(true);
      expect(await store.acquireLease('sink:x', 'a', NOW + 15_002, 10_000)).toBe(false);
      await store.releaseLease('sink:x', 'a'); // not the holder: no effect
      expect(await store.acquireLease('sink:x', 'c', NOW + 15_003, 10_000)).toBe(false);
      await store.releaseLease('sink:x', 'b');
      expect(await store.acquireLease('sink:x', 'c', NOW + 15_004, 10_000)).toBe(true);
      expect(await store.acquireLease('sink:y', 'a', NOW, 10_000)).toBe(true);
    });

    it('lists every receiver and sink with its cursor and lease', async () => {
      const { store } = await fresh();
      expect(await store.listDeliveries()).toEqual([]);
      await store.ackSets('gw-key', [], 5);
      await store.acquireLease('sink:ocsf:siem', 'host:1', NOW, 10_000);
      await store.ackSets('sink:ocsf:siem', [], 7);
      await store.acquireLease('sink:caep-push:gw', 'host:2', NOW, 10_000);
      expect(await store.listDeliveries()).toEqual([
        { name: 'gw-key', cursor: 5 },
        { name: 'sink:caep-push:gw', cursor: 0, lease: { holder: 'host:2', expiresAt: NOW + 10_000 } },
        { name: 'sink:ocsf:siem', cursor: 7, lease: { holder: 'host:1', expiresAt: NOW + 10_000 } },
      ]);
    });

    it('purges events and attestation history past retention, keeping each device\'s latest attestation', async () => {
      const { store } = await fresh();
      const a = await enrolled(store, 1);
      const b = await enrolled(store, 2);
      for (const [i, id, at] of [[1, a, NOW - 100], [2, a, NOW - 50], [3, a, NOW + 10], [4, b, NOW - 100]] as const) {
        await store.createNonce(`n${i}`, NOW + 60_000);
        expect(await store.recordAttestation({ ...write(id, `n${i}`, `j${i}`), receivedAt: at, submods: { i } })).toBe('stored');
      }
      await store.appendEvents([{ type: 'x', at: NOW - 10, data: {} }, { type: 'y', at: NOW + 10, data: {} }]);
      await store.purgeExpired(NOW, { eventsBefore: NOW, attestationsBefore: NOW });
      expect((await store.listEvents(0, 10)).map((e) => e.type)).toEqual(['device.enrolled', 'device.enrolled', 'y']);
      // a keeps only its latest (the newer one); b's only attestation is old but its latest: kept.
      expect(await store.countAttestations(a)).toBe(1);
      expect(await store.latestSubmods(a)).toEqual({ i: 3 });
      expect(await store.countAttestations(b)).toBe(1);
      // Without cut-offs nothing of the history goes.
      await store.purgeExpired(NOW + 10_000_000);
      expect(await store.countAttestations()).toBe(2);
    });

    it('counts enrolled, revoked and fresh devices (fresh follows the latest state, also after re-evaluation)', async () => {
      const { store } = await fresh();
      expect(await store.countDevices(NOW)).toEqual({ enrolled: 0, revoked: 0, fresh: 0 });
      const [a, b, c] = [await enrolled(store, 1), await enrolled(store, 2), await enrolled(store, 3)];
      for (const [i, id] of [a, b].entries()) {
        await store.createNonce(`n${i}`, NOW + 60_000);
        await store.recordAttestation(write(id, `n${i}`, `j${i}`));
      }
      expect(await store.countDevices(NOW)).toEqual({ enrolled: 3, revoked: 0, fresh: 2 });
      await store.revokeDevice(b, NOW);
      expect(await store.countDevices(NOW)).toEqual({ enrolled: 2, revoked: 1, fresh: 1 });
      await store.saveDeviceState({ ...state(a), freshUntil: NOW - 1 });
      expect(await store.countDevices(NOW)).toEqual({ enrolled: 2, revoked: 1, fresh: 0 });
      expect(c).toBeTruthy();
    });

    it('purges expired nonces, jtis, unused codes and ID tokens', async () => {
      const { store } = await fresh();
      const id = await enrolled(store);
      await store.createNonce('old', NOW + 10);
      await store.createNonce('n', NOW + 60_000);
      await store.recordAttestation({ ...write(id, 'n', 'j-short'), jtiExpiresAt: NOW + 10 });
      await store.createEnrollmentCode({ hash: 'unused', user: 'bob', groups: [], createdAt: NOW, expiresAt: NOW + 10 });
      await store.purgeExpired(NOW + 20);
      expect(await store.recordAttestation(write(id, 'old', 'j'))).toBe('nonce-invalid');
      // The expired jti is forgotten (its evidence has expired too, so the service refuses it earlier).
      await store.createNonce('n2', NOW + 60_000);
      expect(await store.recordAttestation(write(id, 'n2', 'j-short'))).toBe('stored');
    });

    it('rotates service keys, retiring the previous one', async () => {
      const { store } = await fresh();
      const k = (kid: string, at: number) => ({ kid, privateJwk: { kty: 'EC' }, publicJwk: { kty: 'EC', kid }, createdAt: at });
      await store.insertServiceKey(k('a', NOW), NOW);
      await store.insertServiceKey(k('b', NOW + 1), NOW + 1);
      const keys = await store.listServiceKeys();
      expect(keys.map((x) => [x.kid, x.retiredAt])).toEqual([['a', NOW + 1], ['b', undefined]]);
      expect(keys[1]?.publicJwk).toEqual({ kty: 'EC', kid: 'b' });
    });

    it('finds API keys by hash', async () => {
      const { store } = await fresh();
      await store.createApiKey({ id: 'k1', hash: 'h-k1', scope: 'gateway', resources: ['feature-store'], createdAt: NOW, label: 'edge' });
      expect(await store.findApiKey('h-k1')).toEqual({ id: 'k1', hash: 'h-k1', scope: 'gateway', resources: ['feature-store'], createdAt: NOW, label: 'edge' });
      expect(await store.findApiKey('nope')).toBeUndefined();
    });

    it('remembers an ID token for one device and refuses it for another', async () => {
      const { store } = await fresh();
      const rec = { hash: 'tok', deviceId: 'dev_a', issuer: 'https://idp.test', subject: 'alice', facts: { amr: ['mfa'] }, verifiedAt: NOW, expiresAt: NOW + 1000 };
      expect(await store.rememberIdToken(rec)).toBe('stored');
      expect(await store.rememberIdToken(rec)).toBe('known');
      expect(await store.rememberIdToken({ ...rec, deviceId: 'dev_b' })).toBe('other-device');
      expect(await store.findIdToken('tok', NOW)).toEqual(rec);
      expect(await store.findIdToken('tok', NOW + 1000)).toBeUndefined();
      expect(await store.ping()).toBe(true);
    });

    it('keeps SET receiver state: cursor only moves up, acks above it are kept, at or below it forgotten', async () => {
      const { store } = await fresh();
      expect(await store.getSetReceiver('gw1')).toEqual({ cursor: 0, acked: [] });
      await store.ackSets('gw1', [5, 3, 7], 0);
      expect(await store.getSetReceiver('gw1')).toEqual({ cursor: 0, acked: [3, 5, 7] });
      await store.ackSets('gw1', [3], 4);
      expect(await store.getSetReceiver('gw1')).toEqual({ cursor: 4, acked: [5, 7] });
      // A stale cursor (another replica's older view) does not move it back; acks below it are dropped.
      await store.ackSets('gw1', [2, 9], 1);
      expect(await store.getSetReceiver('gw1')).toEqual({ cursor: 4, acked: [5, 7, 9] });
      await store.ackSets('gw1', [], 7);
      expect(await store.getSetReceiver('gw1')).toEqual({ cursor: 7, acked: [9] });
      expect(await store.getSetReceiver('gw2')).toEqual({ cursor: 0, acked: [] });
    });

    describe('two replicas on one database', () => {
      it('a nonce consumed through one is refused through the other', async () => {
        const h = await fresh();
        const other = await h.second();
        const id = await enrolled(h.store);
        await h.store.createNonce('n', NOW + 60_000);
        expect(await other.recordAttestation(write(id, 'n', 'j1'))).toBe('stored');
        expect(await h.store.recordAttestation(write(id, 'n', 'j2'))).toBe('nonce-invalid');
        expect((await h.store.getDeviceState(id))?.earStatus).toBe('affirming');
      });

      it('a jti replayed across them is refused, and the replay does not burn its nonce', async () => {
        const h = await fresh();
        const other = await h.second();
        const id = await enrolled(h.store);
        await h.store.createNonce('n1', NOW + 60_000);
        await other.createNonce('n2', NOW + 60_000);
        expect(await h.store.recordAttestation(write(id, 'n1', 'same-jti'))).toBe('stored');
        expect(await other.recordAttestation(write(id, 'n2', 'same-jti'))).toBe('replayed');
        expect(await h.store.recordAttestation(write(id, 'n2', 'fresh-jti'))).toBe('stored');
      });

      it('concurrent uses of one nonce and one jti: exactly one is stored', async () => {
        const h = await fresh();
        const other = await h.second();
        const id = await enrolled(h.store);
        await h.store.createNonce('n', NOW + 60_000);
        const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? other : h.store).recordAttestation(write(id, 'n', `j${i}`))));
        expect(outcomes.filter((o) => o === 'stored')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'nonce-invalid')).toHaveLength(7);
        await Promise.all(['a', 'b', 'c', 'd'].map((n) => h.store.createNonce(n, NOW + 60_000)));
        const replays = await Promise.all(['a', 'b', 'c', 'd'].map((n, i) => (i % 2 ? other : h.store).recordAttestation(write(id, n, 'one-jti'))));
        expect(replays.filter((o) => o === 'stored')).toHaveLength(1);
        expect(replays.filter((o) => o === 'replayed')).toHaveLength(3);
        expect(await other.countAttestations(id)).toBe(2);
      });

      it('concurrent enrolments with one code: exactly one wins', async () => {
        const h = await fresh();
        const other = await h.second();
        await h.store.createEnrollmentCode({ hash: 'shared', user: 'alice', groups: [], createdAt: NOW, expiresAt: NOW + 60_000 });
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : h.store).enrollDevice('shared', NOW, device(10 + i))));
        expect(results.filter((r) => typeof r === 'object')).toHaveLength(1);
        expect(results.filter((r) => r === 'code-invalid')).toHaveLength(5);
        expect(await other.listDevices()).toHaveLength(1);
        expect((await h.store.listEvents(0, 10)).map((e) => e.type)).toEqual(['device.enrolled']);
      });

      it('a device revoked through one replica cannot attest through the other', async () => {
        const h = await fresh();
        const other = await h.second();
        const id = await enrolled(h.store);
        await other.createNonce('n', NOW + 60_000);
        expect(await h.store.revokeDevice(id, NOW)).toBe(true);
        expect(await other.recordAttestation(write(id, 'n', 'j'))).toBe('device-revoked');
      });

      it('SET acknowledgements through one replica are seen by the other and survive a reopen', async () => {
        const h = await fresh();
        const other = await h.second();
        await Promise.all([h.store.ackSets('gw', [2, 3], 1), other.ackSets('gw', [5], 0)]);
        expect(await other.getSetReceiver('gw')).toEqual({ cursor: 1, acked: [2, 3, 5] });
        await other.close();
        const reopened = await h.second();
        await reopened.ackSets('gw', [], 3);
        expect(await h.store.getSetReceiver('gw')).toEqual({ cursor: 3, acked: [5] });
      });

      it('an event appended through one replica wakes the other\'s listener', async () => {
        const h = await fresh();
        const other = await h.second();
        const postgres = h.store.kind === 'postgres';
        const woken = new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), postgres ? 5000 : 500);
          other.onEvents(() => {
            clearTimeout(t);
            resolve(true);
          });
        });
        await new Promise((r) => setTimeout(r, 300));
        await h.store.revokeDevice(await enrolled(h.store), NOW);
        // SQLite: listeners are in-process only (another process sees the table by polling).
        expect(await woken).toBe(postgres);
        expect((await other.listEvents(0, 10)).map((e) => e.type)).toEqual(['device.enrolled', 'device.revoked']);
      });

      it('a lease held through one replica is refused through the other', async () => {
        const h = await fresh();
        const other = await h.second();
        const [x, y] = await Promise.all([h.store.acquireLease('sink:z', 'A', NOW, 10_000), other.acquireLease('sink:z', 'B', NOW, 10_000)]);
        expect([x, y].filter(Boolean)).toHaveLength(1);
      });

      it('an ID token remembered by one replica is seen by the other', async () => {
        const h = await fresh();
        const other = await h.second();
        const rec = { hash: 'tok', deviceId: 'dev_a', issuer: 'https://idp.test', subject: 'alice', facts: {}, verifiedAt: NOW, expiresAt: NOW + 1000 };
        expect(await h.store.rememberIdToken(rec)).toBe('stored');
        expect(await other.rememberIdToken({ ...rec, deviceId: 'dev_b' })).toBe('other-device');
      });
    });
  });
}
