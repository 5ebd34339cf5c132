/**
 * The telephone-banking function's permissions: read its one secret, and decrypt it only through
 * Secrets Manager, only for that secret (the encryption context Secrets Manager sets is the
 * secret's ARN: docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
 */
import { kmsViaServiceStatement, type PolicyStatement } from "../shared/policies";

export const telephoneBankingPolicy = (a: {
  readonly secretArn: string;
  readonly secretKeyArn: string;
}): PolicyStatement[] => {
  const region = a.secretArn.split(":")[3];
  return [
    {
      Sid: "ReadTheCoreBankingToken",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: a.secretArn,
    },
    {
      Sid: "DecryptTheTokenThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: a.secretKeyArn,
      Condition: {
        StringEquals: {
          "kms:ViaService": `secretsmanager.${region}.amazonaws.com`,
          "kms:EncryptionContext:SecretARN": a.secretArn,
        },
      },
    },
  ];
};

/**
 * The pre-screening function: its table only (drafts and results; no Scan, no Delete: results
 * leave by TTL), and the table's key through DynamoDB only.
 */
export const preScreenPolicy = (a: {
  readonly tableArn: string;
  readonly keyArn: string;
  readonly region: string;
}): PolicyStatement[] => [
  {
    Sid: "PreScreenDraftsAndResults",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    Resource: a.tableArn,
  },
  kmsViaServiceStatement("PreScreenKeyViaDynamoDB", a.keyArn, "dynamodb", a.region),
];
