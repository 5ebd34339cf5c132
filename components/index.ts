export * from "./backupVault";
export * from "./contactCenterRegion";
export * from "./kmsKey";
export * from "./policies";
export * from "./privateBucket";
