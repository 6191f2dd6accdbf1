/** Names an MDM provider from its server URL (pure; hosts are the vendors' documented domains). */

const BY_HOST: ReadonlyArray<readonly [RegExp, string]> = [
  [/(^|\.)manage\.microsoft\.com$|(^|\.)manage\.microsoft\.us$/i, 'intune'],
  [/(^|\.)jamfcloud\.com$/i, 'jamf'],
  [/(^|\.)kandji\.io$/i, 'kandji'],
  [/(^|\.)mosyle\.com$/i, 'mosyle'],
  [/(^|\.)simplemdm\.com$/i, 'simplemdm'],
  [/(^|\.)jumpcloud\.com$/i, 'jumpcloud'],
  [/(^|\.)addigy\.com$/i, 'addigy'],
  [/(^|\.)awmdm\.com$|(^|\.)airwatch\.com$/i, 'workspace-one'],
  [/(^|\.)hexnode\.com$/i, 'hexnode'],
  [/(^|\.)meraki\.com$/i, 'meraki'],
  [/(^|\.)fleetdm\.com$/i, 'fleet'],
];

/**
 * The provider whose service answers at `url`, or undefined when the host is not a known
 * vendor domain (a self-hosted server is not guessed from its path).
 */
export function providerFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return BY_HOST.find(([re]) => re.test(host))?.[1];
}
