import { afterEach, describe, expect, it } from 'vitest';
import { startChangeFeed, type ChangeFeed } from '../../src/service/change-feed.js';
import { DeviceCache } from '../../src/service/device-cache.js';
import { openSqliteStore } from '../../src/service/store/sqlite.js';
import type { Store } from '../../src/service/store/types.js';
import { device, NOW, state } from './store/store-contract.js';

let store: Store;
let feed: ChangeFeed;
afterEach(async () => {
  feed?.stop();
  await store?.close();
});

describe('change feed', () => {
  it('evicts a device only when an event says something this process does not already hold', async () => {
    store = openSqliteStore(':memory:');
    const cache = new DeviceCache(store);
    // A long poll interval: only the store's own notifications drive the feed here.
    feed = await startChangeFeed(store, cache, { intervalMs: 60_000 });
    const dev = { ...device(1), user: 'alice', groups: [] };
    const cached = () => cache.peek(dev.id) !== undefined;
    const hold = (resultJti: string) => cache.set(dev.id, { device: dev, state: { ...state(dev.id), resultJti } });

    hold('r1');
    // This process's own attestation (the state it already holds): kept.
    await store.appendEvent('device.attested', dev.id, { resultJti: 'r1' }, NOW);
    await feed.poll();
    expect(cached()).toBe(true);
    // Another replica's attestation: evicted.
    await store.appendEvent('device.compliance-changed', dev.id, { from: 'affirming', to: 'contraindicated', resultJti: 'r2' }, NOW);
    await feed.poll();
    expect(cached()).toBe(false);
    // A policy re-evaluation elsewhere (no result jti) and a revocation: evicted.
    hold('r2');
    await store.appendEvent('device.compliance-changed', dev.id, { from: 'affirming', to: 'warning', cause: 'policy-change' }, NOW);
    await feed.poll();
    expect(cached()).toBe(false);
    hold('r2');
    await store.appendEvent('device.revoked', dev.id, {}, NOW);
    await feed.poll();
    expect(cached()).toBe(false);
    // A deny changes nothing about the device: kept.
    hold('r2');
    await store.appendEvents([{ type: 'authz.denied', deviceId: dev.id, at: NOW, data: { resource: 'x', count: 3 } }]);
    await feed.poll();
    expect(cached()).toBe(true);
    expect(feed.lastSeq()).toBe(await store.lastEventSeq());
  });

  it('wakes on the store\'s notification without waiting for the poll interval', async () => {
    store = openSqliteStore(':memory:');
    const cache = new DeviceCache(store);
    feed = await startChangeFeed(store, cache, { intervalMs: 60_000 });
    const seen = new Promise<string[]>((resolve) => feed.subscribe((events) => resolve(events.map((e) => e.type))));
    await store.appendEvent('device.revoked', 'dev_x', {}, NOW);
    expect(await seen).toEqual(['device.revoked']);
  });
});
