/**
 * A faked Connect API for one describe block: every ConnectClient sends to the returned mock while
 * the block runs, reset before each test and restored after the block (several blocks fake the
 * same client class, and a mock left installed would answer for the next one).
 */
import { ConnectClient } from "@aws-sdk/client-connect";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";

export function fakeConnectForThisBlock(): () => AwsClientStub<ConnectClient> {
  let stub: AwsClientStub<ConnectClient> | undefined;
  before(() => (stub = mockClient(ConnectClient)));
  beforeEach(() => stub!.reset());
  after(() => stub!.restore());
  return () => stub!;
}
