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
    /** macOS: enrolled through Automated Device Enrollment (DEP/ABM). */
    enrolledViaDep: Type.Optional(Type.Boolean()),
    /** macOS: the MDM enrollment is user approved (needed for most security payloads). */
    userApproved: Type.Optional(Type.Boolean()),
    /** Management agents found installed whose enrollment could not be confirmed. */
    installedAgents: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
    /** Configuration management found (Puppet, Chef, Salt): not MDM, reported for context. */
    configManagement: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
  },
  { additionalProperties: false },
);
export type MdmFacts = Static<typeof MdmFactsSchema>;
