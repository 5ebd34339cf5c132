/** What every private bucket of the program must be, asserted the same way by each test. */
import { expect } from "chai";
import type { Recorded } from "./harness";

export const S3 = "aws:s3/";
export const bucketParts = [
  `${S3}bucket:Bucket`,
  `${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`,
  `${S3}bucketOwnershipControls:BucketOwnershipControls`,
  `${S3}bucketVersioning:BucketVersioning`,
  `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
  `${S3}bucketLifecycleConfiguration:BucketLifecycleConfiguration`,
  `${S3}bucketPolicy:BucketPolicy`,
];

export function expectPrivate(rec: Recorded, name: string, kms: boolean) {
  const pab = rec.get(`${S3}bucketPublicAccessBlock:BucketPublicAccessBlock`, name).inputs;
  expect(pab).to.deep.include({
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  expect(
    rec.get(`${S3}bucketOwnershipControls:BucketOwnershipControls`, name).inputs.rule,
  ).to.deep.equal({
    objectOwnership: "BucketOwnerEnforced",
  });
  expect(
    rec.get(`${S3}bucketVersioning:BucketVersioning`, name).inputs.versioningConfiguration,
  ).to.deep.equal({
    status: "Enabled",
  });
  const sse = rec.get(
    `${S3}bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration`,
    name,
  ).inputs.rules as Record<string, Record<string, string>>[];
  expect(sse[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal(
    kms ? "aws:kms" : "AES256",
  );
  const sids = rec
    .policy(rec.get(`${S3}bucketPolicy:BucketPolicy`, name))
    .Statement.map((s) => s.Sid);
  expect(sids).to.include.members(["DenyInsecureTransport", "DenyTlsBelow12"]);
  if (kms) expect(sids).to.include.members(["DenyUploadsNotUsingKms", "DenyUploadsWithAnotherKey"]);
  expect(rec.get(`${S3}bucket:Bucket`, name).inputs.forceDestroy).to.equal(false);
}
