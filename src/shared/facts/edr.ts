/** Facts of the `edr` check. */
import { Type, type Static } from '@sinclair/typebox';

/** EDR / AV products the agent recognises. Policy files name products by these ids. */
export const EDR_PRODUCT_IDS = [
  'crowdstrike_falcon',
  'sentinelone',
  'microsoft_defender',
  'elastic_endpoint',
  'carbon_black',
  'cortex_xdr',
  'bitdefender',
  'sophos',
  'wazuh',
] as const;
export type EdrProductId = (typeof EDR_PRODUCT_IDS)[number];
export const EdrProductIdSchema = Type.Union(EDR_PRODUCT_IDS.map((p) => Type.Literal(p)));

/** The name people know each product by, for summaries and the status window. */
export const EDR_PRODUCT_NAMES: Readonly<Record<EdrProductId, string>> = {
  crowdstrike_falcon: 'CrowdStrike Falcon',
  sentinelone: 'SentinelOne',
  microsoft_defender: 'Microsoft Defender',
  elastic_endpoint: 'Elastic Endpoint',
  carbon_black: 'Carbon Black',
  cortex_xdr: 'Cortex XDR',
  bitdefender: 'Bitdefender',
  sophos: 'Sophos',
  wazuh: 'Wazuh',
};

export const EdrProductSchema = Type.Object(
  {
    id: EdrProductIdSchema,
    /** Display name as the product reports it. */
    name: Type.Optional(Type.String({ maxLength: 128 })),
    installed: Type.Boolean(),
    /** Its agent/sensor process or service is running. */
    running: Type.Optional(Type.Boolean()),
    version: Type.Optional(Type.String({ maxLength: 64 })),
    /** The product's own health verdict (e.g. `mdatp health` healthy, Falcon not in RFM). */
    healthy: Type.Optional(Type.Boolean()),
    realTimeProtection: Type.Optional(Type.Boolean()),
    tamperProtection: Type.Optional(Type.Boolean()),
    /** Registered with its cloud/console (Falcon AID set, S1 management connected). */
    registered: Type.Optional(Type.Boolean()),
    /** ISO 8601 time of the last contact with its cloud/console. */
    lastCloudContact: Type.Optional(Type.String({ maxLength: 40 })),
    definitionsUpToDate: Type.Optional(Type.Boolean()),
    /** Human-readable problems the product reports (e.g. `passive mode`, `no full disk access`). */
    issues: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 16 })),
    /** Probe ids that produced this product's facts. */
    source: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type EdrProduct = Static<typeof EdrProductSchema>;

export const EdrFactsSchema = Type.Object(
  {
    /** Every product found installed (running or not). Empty means none found. */
    products: Type.Array(EdrProductSchema, { maxItems: 16 }),
    /**
     * Security products the OS itself lists (Windows Security Center) that are not in
     * EDR_PRODUCT_IDS, by display name: reported so nobody wonders why they do not count.
     */
    otherProducts: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type EdrFacts = Static<typeof EdrFactsSchema>;
