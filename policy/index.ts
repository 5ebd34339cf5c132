/**
 * The CrossGuard policy pack, for real previews: `pulumi preview --policy-pack policy`.
 * Constructing a PolicyPack starts a gRPC server, so tests and `npm run plan` import ./rules and
 * ./policies instead of this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

export const PACK_NAME = "customerchannel-fisc";

new PolicyPack(PACK_NAME, { policies });
