/** Facts of the `mdm` check. */
import { Type, type Static } from '@sinclair/typebox';

export const MdmFactsSchema = Type.Object(
  {
    enrolled: Type.Optional(Type.Boolean()),
    /** `intune`, `jamf`, `kandji`, `fleet`, `workspace-one`, `apple-mdm`, … */
    provider: Type.Optional(Type.String({ maxLength: 64 })),
    /** MDM server URL, when the OS reports it. */
    serverUrl: Type.Optional(Type.String({ maxLength: 512 })),
    /** Windows: Entra (Azure AD) joined / domain joined / hybrid. */
    azureAdJoined: Type.Optional(Type.Boolean()),
    domainJoined: Type.Optional(Type.Boolean()),
    domainName: Type.Optional(Type.String({ maxLength: 256 })),
    workplaceJoined: Type.Optional(Type.Boolean()),
    tenantName: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type MdmFacts = Static<typeof MdmFactsSchema>;
