/**
 * Every component and policy builder, by capability (README "Repository layout"). The stack
 * composes from here; each capability's wiring (how the stack config becomes its components) is
 * in its folder's wiring.ts, which stack.ts imports directly.
 */
// Shared building blocks: keys, buckets, functions, roles, queues and tables, the vault, alarms.
export * from "./shared/apiGatewayLogging";
export * from "./shared/backupVault";
export * from "./shared/encryptedStores";
export * from "./shared/eventLog";
export * from "./shared/kmsKey";
export * from "./shared/nodeFunction";
export * from "./shared/policies";
export * from "./shared/privateBucket";
export * from "./shared/serviceRole";
export * from "./shared/vaultReplication";
export * from "./shared/watch";
// Contact center region: instance, storage, routing, numbers, SAML.
export * from "./contactCenter/contactCenterRegion";
export * from "./contactCenter/phoneNumbers";
export * from "./contactCenter/policies";
export * from "./contactCenter/replicaInstance";
// Contact flows.
export * from "./contactFlows/contactFlows";
export * from "./contactFlows/flowContent";
// Caller authentication.
export * from "./callerAuth/callerAuthBot";
export * from "./callerAuth/policies";
export * from "./callerAuth/voiceIdAssociation";
export * from "./callerAuth/voiceIdAuth";
// Outbound campaigns.
export * from "./outbound/outboundCampaignStore";
export * from "./outbound/policies";
// Compliance detection.
export * from "./compliance/compliancePipeline";
export * from "./compliance/policies";
// DR: failover, traffic distribution, number routing, agents in the group.
export * from "./dr/failover";
export * from "./dr/groupAgents";
export * from "./dr/numberRouting";
export * from "./dr/trafficDistribution";
// Configuration backup.
export * from "./configBackup/configBackup";
export * from "./configBackup/policies";
// Web chat.
export * from "./chat/chatChannel";
export * from "./chat/chatPortal";
export * from "./chat/chatTarget";
export * from "./chat/policies";
// Self-service reception.
export * from "./selfService/policies";
export * from "./selfService/telephoneBanking";
export * from "./selfService/preScreening";
export * from "./selfService/preScreenBot";
// Operations: alarms, dashboard, change audit, audit trail.
export * from "./operations/auditTrail";
export * from "./operations/changeAudit";
export * from "./operations/monitoring";
export * from "./operations/policies";
