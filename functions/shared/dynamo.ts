/** What the functions' DynamoDB stores share. */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";

/** A conditional write lost (by instance, or by name when the error crossed a module copy). */
export const isConditionFailed = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (e as { name?: string })?.name === "ConditionalCheckFailedException";
