/**
 * A local DynamoDB (dynalite, in memory) on 127.0.0.1 for function tests: started by the tests
 * themselves, on a free port, torn down after. Tables are created with the same key schema and
 * billing mode the components deploy.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { TABLE_KEYS } from "../../functions/outbound/store";

// dynalite ships no types; this is the part of its API the tests use.
const dynalite = require("dynalite") as (opts: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}) => Server;

export interface LocalDynamo {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly endpoint: string;
  createTable(input: Omit<CreateTableCommandInput, "BillingMode">): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "ap-northeast-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const doc = DynamoDBDocumentClient.from(client);
  return {
    client,
    doc,
    endpoint,
    async createTable(input) {
      await client.send(new CreateTableCommand({ ...input, BillingMode: "PAY_PER_REQUEST" }));
      // dynalite answers CREATING and turns the table ACTIVE on a timer, even at 0 ms: under load
      // the first write could still find it CREATING (ResourceNotFoundException). Wait, as a
      // client of the real service must.
      for (let i = 0; i < 200; i++) {
        const d = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
        if (d.Table?.TableStatus === "ACTIVE") return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`table ${input.TableName} did not become ACTIVE`);
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A table keyed like the outbound and compliance tables (pk + sk strings), on the local DynamoDB. */
export async function createPkSkTable(local: LocalDynamo, name: string): Promise<void> {
  await local.createTable({
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.hash, AttributeType: "S" },
      { AttributeName: TABLE_KEYS.range, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.hash, KeyType: "HASH" },
      { AttributeName: TABLE_KEYS.range, KeyType: "RANGE" },
    ],
  });
}
