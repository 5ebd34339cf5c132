export * from "./backupVault";
export * from "./contactCenterRegion";
export * from "./contactFlows";
export * from "./flowContent";
export * from "./kmsKey";
export * from "./policies";
export * from "./privateBucket";
