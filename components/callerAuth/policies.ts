/**
 * The IAM and resource policy documents of this capability's roles and resources, pure builders
 * on the shared ones (components/shared/policies.ts) so each statement is unit-tested exactly.
 */
import { kmsViaServiceStatement, type PolicyStatement } from "../shared/policies";

/**
 * caller-auth: read customers and numbers, conditional updates of the attempt window, lockout,
 * enrolment and consent. No Scan, no Query, no DeleteItem: the function looks up by key only and
 * never removes a record (opt-out is an update, consent history is kept).
 */
export function callerAuthPolicy(a: {
  tableArn: string;
  keyArn: string;
  refKeyArn: string;
  /** End User Messaging SMS origination identity for chat's one-time codes, if any. */
  stepUpOriginationArn?: string;
  region: string;
}): PolicyStatement[] {
  return [
    {
      Sid: "CallerAuthTable",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      Resource: a.tableArn,
    },
    kmsViaServiceStatement("CallerAuthTableKey", a.keyArn, "dynamodb", a.region),
    {
      // The reference key: one MAC per cold start, with the one algorithm the function uses.
      Sid: "DeriveReferenceKey",
      Effect: "Allow",
      Action: "kms:GenerateMac",
      Resource: a.refKeyArn,
      Condition: { StringEquals: { "kms:MacAlgorithm": "HMAC_SHA_256" } },
    },
    ...(a.stepUpOriginationArn
      ? [
          {
            // Texts only from the configured sender (SAR: SendTextMessage on a phone number,
            // sender id or pool resource).
            Sid: "SendOneTimeCodes",
            Effect: "Allow" as const,
            Action: "sms-voice:SendTextMessage",
            Resource: a.stepUpOriginationArn,
          },
        ]
      : []),
  ];
}
