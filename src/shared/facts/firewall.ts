/** Facts of the `firewall` check. */
import { Type, type Static } from '@sinclair/typebox';

export const FirewallProfileSchema = Type.Object(
  {
    /** `ufw`, `firewalld`, `nftables`, `iptables`, `socketfilterfw`, `Domain`, `Private`, `Public`. */
    name: Type.String({ maxLength: 64 }),
    enabled: Type.Boolean(),
    /** Default inbound policy blocks (drop/deny/block-all). */
    defaultInboundBlocked: Type.Optional(Type.Boolean()),
    stealthMode: Type.Optional(Type.Boolean()),
    blockAllIncoming: Type.Optional(Type.Boolean()),
    /** Windows: the profile of a network the machine is connected to right now. */
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FirewallProfile = Static<typeof FirewallProfileSchema>;

export const FirewallFactsSchema = Type.Object(
  {
    /** Every firewall front end / profile observed. */
    profiles: Type.Array(FirewallProfileSchema, { maxItems: 16 }),
    /** At least one firewall actively filters inbound traffic; absent when not determined. */
    enabled: Type.Optional(Type.Boolean()),
    /** macOS: apps the Application Firewall lets accept incoming connections. */
    appsAllowedIncoming: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type FirewallFacts = Static<typeof FirewallFactsSchema>;
