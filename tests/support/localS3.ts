/**
 * A local S3 (s3rver, files in a temporary directory) on 127.0.0.1 for function tests: started by
 * the tests on a free port, removed after. Clients use path-style addressing, as s3rver needs.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

// s3rver ships no types; this is the part of its API the tests use.
const S3rver = require("s3rver") as new (opts: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  resetOnClose: boolean;
}) => { run(): Promise<AddressInfo>; close(): Promise<void> };

export interface LocalS3 {
  readonly client: S3Client;
  readonly endpoint: string;
  createBucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: string): Promise<string>;
  close(): Promise<void>;
}

export async function startLocalS3(): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    resetOnClose: true,
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: "ap-northeast-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    client,
    endpoint,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    /** Stores an object; returns its ETag as S3 reports it (quotes removed, as in S3 events). */
    async put(bucket, key, body) {
      const r = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return (r.ETag ?? "").replace(/"/g, "");
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
