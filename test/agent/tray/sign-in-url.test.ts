import { describe, expect, it } from 'vitest';
import { isAllowedSignInUrl } from '../../../src/agent/tray/sign-in-url.js';

describe('isAllowedSignInUrl', () => {
  it.each([
    ['https://login.example.com/oauth2/v1/authorize?client_id=x', true],
    ['http://127.0.0.1:9000/auth?x=1', true],
    ['http://login.example.com/authorize', false],
    ['https://user:pw@login.example.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['ms-settings:windowsupdate', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedSignInUrl(url)).toBe(allowed);
  });
});
