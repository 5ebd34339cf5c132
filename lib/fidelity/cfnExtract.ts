/**
 * The part of the CloudFormation resource specification (@aws-cdk/aws-service-spec) that the
 * program's aws-native resources use, extracted into `cfn-spec.json`. Loading the whole database
 * takes about 0.9 s and 230 MB, too much for every plan; the extract is committed, and a test
 * regenerates it and fails when it is stale (`npm run fidelity:cfn-extract` writes it).
 */
import { loadAwsServiceSpec } from "@aws-cdk/aws-service-spec";

/** The CloudFormation types behind the aws-native resources the components create. */
export const CFN_TYPES = [
  "AWS::Connect::ApprovedOrigin",
  "AWS::Connect::IntegrationAssociation",
  "AWS::Connect::Rule",
  "AWS::Lex::Bot",
  "AWS::Lex::BotAlias",
  "AWS::Lex::BotVersion",
  "AWS::Lex::ResourcePolicy",
  "AWS::VoiceID::Domain",
] as const;

export interface CfnProperty {
  readonly type: CfnType;
  readonly required?: true;
}
export type CfnType =
  | { type: "string"; allowedValues?: string[] }
  | { type: "number" | "integer" | "boolean" | "json" | "date-time" | "null" | "tag" }
  | { type: "array" | "map"; element: CfnType }
  | { type: "ref"; reference: { $ref: string } }
  | { type: "union"; types: CfnType[] };

export interface CfnExtract {
  readonly source: string;
  readonly resources: Record<string, Record<string, CfnProperty>>;
  readonly types: Record<string, { name: string; properties: Record<string, CfnProperty> }>;
}

const props = (p: Record<string, { type: unknown; required?: boolean }>) =>
  Object.fromEntries(
    Object.entries(p)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [
        k,
        { type: v.type as CfnType, ...(v.required ? { required: true as const } : {}) },
      ]),
  );

export async function extractCfnSpec(version: string): Promise<CfnExtract> {
  const db = await loadAwsServiceSpec();
  const resources: CfnExtract["resources"] = {};
  const types: CfnExtract["types"] = {};
  for (const t of CFN_TYPES) {
    const r = db.lookup("resource", "cloudFormationType", "equals", t).only();
    resources[t] = props(r.properties);
    for (const { entity } of db.follow("usesType", r))
      types[entity.$id] = { name: entity.name, properties: props(entity.properties) };
  }
  const sortedTypes = Object.fromEntries(
    Object.entries(types).sort(([a], [b]) => Number(a) - Number(b)),
  );
  return { source: `@aws-cdk/aws-service-spec ${version}`, resources, types: sortedTypes };
}
