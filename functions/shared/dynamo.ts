/** What the functions' DynamoDB stores share. */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";

/** A conditional write lost (by instance, or by name when the error crossed a module copy). */
export const isConditionFailed = (e: unknown): boolean =>
  e instanceof ConditionalCheckFailedException ||
  (e as { name?: string })?.name === "ConditionalCheckFailedException";

/**
 * Sends a conditional write: true when it was written, false when its condition did not hold.
 * Any other error is thrown. The stores' "claim", "count", "lock" and "use once" steps are this.
 */
export async function writeIf(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (e) {
    if (isConditionFailed(e)) return false;
    throw e;
  }
}
