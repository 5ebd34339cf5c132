/**
 * Findings the fidelity stage must not report, each because an AWS page says the published data
 * is incomplete there. Every entry names the page; a new one needs the same.
 */
import type { Finding } from "./types";

export interface Exception {
  readonly rule: string;
  /** Matched against the finding's message. */
  readonly message: RegExp;
  readonly why: string;
  readonly source: string;
}

export const EXCEPTIONS: readonly Exception[] = [
  {
    rule: "iam/required-resource-type",
    message: /connect:GetFederationToken requires the instance resource type/,
    why: "The SAR lists only the instance resource type for GetFederationToken, but the Connect admin guide's SAML policy scopes it to the user: instance/<id>/user/${aws:userid}, which limits a federated agent to their own Connect user.",
    source:
      "docs.aws.amazon.com/connect/latest/adminguide/configure-saml.html (IAM policy for SAML federation)",
  },
  {
    rule: "iam/resource-type",
    message: /connect:GetFederationToken on arn:aws:connect:[^ ]+\/user\/\$\{aws:userid\}/,
    why: "Same as above: the admin guide's documented resource for GetFederationToken is the user ARN.",
    source:
      "docs.aws.amazon.com/connect/latest/adminguide/configure-saml.html (IAM policy for SAML federation)",
  },
];

export const exceptionFor = (f: Pick<Finding, "rule" | "message">): Exception | undefined =>
  EXCEPTIONS.find((e) => e.rule === f.rule && e.message.test(f.message));
