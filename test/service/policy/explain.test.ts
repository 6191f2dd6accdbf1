import { describe, expect, it } from 'vitest';
import { explainPolicy } from '../../../src/service/policy/index.js';
import { examplePolicy, mustLoad } from './doubles.js';

describe('explainPolicy', () => {
  const text = explainPolicy(examplePolicy());

  it('describes what each segment requires in plain English', () => {
    expect(text).toContain('Segment training: GPU training cluster');
    expect(text).toContain('OS updates: updates installed within the last 30 days, no pending security updates and an OS version the vendor still supports [blocks]');
    expect(text).toContain('EDR: a known EDR product must be running, healthy and with real-time protection on [blocks]');
    expect(text).toContain('MFA: the user must have signed in with MFA using one of mfa, hwk, otp, swk (amr) within the last 12 hours');
    expect(text).toContain('Screen lock: must lock after at most 15 minutes idle');
    expect(text).toContain('Evidence older than 10 minutes (10m) no longer counts.');
  });

  it('names enforcement modes and deadlines', () => {
    expect(text).toContain('Screen lock: must lock after at most 30 minutes idle [warns until 1 Dec 2026, blocks from then on]');
    expect(text).toContain('MDM: the device must be enrolled [notify only: never blocks, failures are recorded]');
    expect(text).toContain('1 Dec 2026: screen_lock starts blocking in experimentation');
  });

  it('lists which groups reach a segment and which resources it holds', () => {
    expect(text).toContain('Groups that reach it: ml-platform.');
    expect(text).toContain('Groups that reach it: data-scientists, ml-platform, contractors.');
    expect(text).toContain('- data-lake at lake.ai.internal/, s3.ai.internal/ (S3-compatible object store with curated datasets)');
    expect(text).toContain('- inference-gateway at inference.ai.internal/v1');
    expect(text).toContain('- contractors: experimentation');
  });

  it('says when a segment is unreachable or empty', () => {
    const t = explainPolicy(mustLoad('version: 1\nsegments:\n  lonely: { requirements: {} }\n'));
    expect(t).toContain('Requires nothing beyond fresh evidence.');
    expect(t).toContain('Groups that reach it: none (no one can use its resources).');
    expect(t).toContain('none: no user can reach any resource.');
    expect(t.endsWith('\n')).toBe(true);
  });
});
