import { expect } from "chai";
import {
  assumeRolePolicy,
  bucketBaselineStatements,
  eventsToLogsResourcePolicy,
  KMS_ADMIN_ACTIONS,
  KMS_USE_ACTIONS,
  keyPolicy,
  replicationPolicy,
} from "../../components/shared/policies";
import {
  federationPolicy,
  firehoseDeliveryPolicy,
  samlTrustPolicy,
} from "../../components/contactCenter/policies";

const actions = (s: { Action: string | string[] }) =>
  Array.isArray(s.Action) ? s.Action : [s.Action];

describe("policies: KMS key policy", () => {
  const base = { partition: "aws", accountId: "111122223333", region: "ap-northeast-1" };

  it("delegates administration and use to the account, never to '*' and never with kms:*", () => {
    const p = keyPolicy(base);
    expect(p.Statement.map((s) => s.Sid)).to.deep.equal([
      "AccountAdministersKey",
      "AccountIamPoliciesGrantUse",
    ]);
    for (const s of p.Statement) {
      expect(s.Principal).to.deep.equal({ AWS: "arn:aws:iam::111122223333:root" });
      expect(actions(s)).to.not.include("kms:*");
      for (const a of actions(s)) expect(a).to.match(/^kms:[A-Z][A-Za-z]+$/);
    }
    expect(p.Statement[0].Action).to.deep.equal([...KMS_ADMIN_ACTIONS]);
    expect(p.Statement[1].Action).to.deep.equal([...KMS_USE_ACTIONS]);
  });

  it("lets CloudWatch Logs of this region use the key only for this account's log groups", () => {
    const [s, describe] = keyPolicy({ ...base, allowCloudWatchLogs: true }).Statement.slice(2);
    expect(s.Principal).to.deep.equal({ Service: "logs.ap-northeast-1.amazonaws.com" });
    // DescribeKey carries no encryption context: under the condition it would never be granted.
    expect(actions(s)).to.not.include("kms:DescribeKey");
    expect(describe).to.deep.equal({
      Sid: "CloudWatchLogsDescribesKey",
      Effect: "Allow",
      Principal: { Service: "logs.ap-northeast-1.amazonaws.com" },
      Action: "kms:DescribeKey",
      Resource: "*",
    });
    expect(s.Condition).to.deep.equal({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn":
          "arn:aws:logs:ap-northeast-1:111122223333:log-group:*",
      },
    });
  });

  it("scopes service deliveries to the account with aws:SourceAccount", () => {
    const s = keyPolicy({ ...base, allowServices: ["sns.amazonaws.com", "events.amazonaws.com"] })
      .Statement[2];
    expect(s.Principal).to.deep.equal({ Service: ["events.amazonaws.com", "sns.amazonaws.com"] });
    // EventBridge needs DescribeKey too (eb-encryption-key-policy.html).
    expect(s.Action).to.deep.equal(["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]);
    expect(s.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "111122223333" } });
  });
});

describe("policies: bucket baseline", () => {
  const arn = "arn:aws:s3:::b";

  it("denies plain HTTP and TLS below 1.2 on the bucket and its objects", () => {
    const [http, tls] = bucketBaselineStatements(arn);
    expect(http).to.deep.equal({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [arn, `${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(tls.Condition).to.deep.equal({ NumericLessThan: { "s3:TlsVersion": "1.2" } });
    expect(bucketBaselineStatements(arn)).to.have.length(2);
  });

  it("with a CMK, denies uploads asking for other encryption or another key", () => {
    const s = bucketBaselineStatements(arn, "arn:aws:kms:ap-northeast-1:1:key/k");
    expect(s.map((x) => x.Sid)).to.deep.equal([
      "DenyInsecureTransport",
      "DenyTlsBelow12",
      "DenyUploadsNotUsingKms",
      "DenyUploadsWithAnotherKey",
    ]);
    // Only a header that is present and wrong is refused: ...IfExists would also match a missing
    // header and refuse every writer relying on default encryption.
    expect(s[2].Condition).to.deep.equal({
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption": "false" },
    });
    expect(s[3].Condition).to.deep.equal({
      StringNotEquals: {
        "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:ap-northeast-1:1:key/k",
      },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    });
    for (const x of s) expect(x.Effect).to.equal("Deny");
  });
});

describe("policies: IAM roles", () => {
  it("service trust is limited to this account and carries no Resource (IAM rejects it)", () => {
    expect(assumeRolePolicy("firehose.amazonaws.com", "1")).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ServiceAssumesRoleForThisAccount",
          Effect: "Allow",
          Principal: { Service: "firehose.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "1" } },
        },
      ],
    });
  });

  it("SAML trust: only this provider, only the AWS sign-in audience", () => {
    const s = samlTrustPolicy("arn:aws:iam::1:saml-provider/p").Statement[0];
    expect(s).to.deep.equal({
      Sid: "IdentityCenterFederation",
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::1:saml-provider/p" },
      Action: "sts:AssumeRoleWithSAML",
      Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
    });
  });

  it("federation grants only GetFederationToken for the agent's own user on this instance", () => {
    const p = federationPolicy("arn:aws:connect:ap-northeast-1:1:instance/i-1");
    expect(p.Statement).to.deep.equal([
      {
        Sid: "FederateOnlyAsYourself",
        Effect: "Allow",
        Action: "connect:GetFederationToken",
        Resource: "arn:aws:connect:ap-northeast-1:1:instance/i-1/user/${aws:userid}",
      },
    ]);
  });

  it("replication reads the source, writes only to the vault, never replicates deletes", () => {
    const p = replicationPolicy({
      sourceBucketArn: "arn:aws:s3:::src",
      sourceKeyArn: "arn:aws:kms:ap-northeast-1:1:key/s",
      sourceRegion: "ap-northeast-1",
      destinationBucketArn: "arn:aws:s3:::vault",
      destinationKeyArn: "arn:aws:kms:ap-northeast-3:1:key/d",
      destinationRegion: "ap-northeast-3",
    });
    const all = p.Statement.flatMap(actions);
    expect(all).to.not.include("s3:ReplicateDelete");
    expect(p.Statement.find((s) => s.Sid === "WriteReplicasToVault")).to.deep.include({
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: "arn:aws:s3:::vault/*",
    });
    // Both buckets use S3 Bucket Keys: the encryption context is the bucket ARN.
    expect(p.Statement.find((s) => s.Sid === "DecryptSourceViaS3")?.Condition).to.deep.equal({
      StringEquals: {
        "kms:ViaService": "s3.ap-northeast-1.amazonaws.com",
        "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::src",
      },
    });
    expect(p.Statement.find((s) => s.Sid === "EncryptReplicasViaS3")?.Condition).to.deep.equal({
      StringEquals: {
        "kms:ViaService": "s3.ap-northeast-3.amazonaws.com",
        "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::vault",
      },
    });
    for (const s of p.Statement) expect(s.Resource).to.not.equal("*");
  });

  it("Firehose writes only under its prefix", () => {
    const p = firehoseDeliveryPolicy({
      bucketArn: "arn:aws:s3:::b",
      keyArn: "arn:aws:kms:ap-northeast-1:1:key/k",
      region: "ap-northeast-1",
      logGroupArn: "arn:aws:logs:ap-northeast-1:1:log-group:/f",
      prefix: "connect/ap-northeast-1/ctr/",
    });
    expect(p.Statement.find((s) => s.Sid === "WriteRecords")?.Resource).to.equal(
      "arn:aws:s3:::b/connect/ap-northeast-1/ctr/*",
    );
    expect(p.Statement.find((s) => s.Sid === "DeliveryErrorLogs")?.Resource).to.equal(
      "arn:aws:logs:ap-northeast-1:1:log-group:/f:log-stream:*",
    );
    for (const s of p.Statement) for (const a of actions(s)) expect(a).to.not.match(/\*/);
  });

  it("EventBridge may only write to the named log groups", () => {
    expect(
      eventsToLogsResourcePolicy(["arn:aws:logs:r:1:log-group:/a"]).Statement[0].Resource,
    ).to.deep.equal(["arn:aws:logs:r:1:log-group:/a:*"]);
  });
});
