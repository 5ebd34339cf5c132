/**
 * The IAM Identity Center SAML metadata an instance federates agents through: read from the file
 * the config names, checked to be IdP metadata (not an SP file, not the repository's placeholder
 * on a real deploy), with a message that says where to download the right one.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { fix, PROJECT, q, type ConfigProblem } from "../shared/configSchema";
import type { ParseContext } from "../shared/configParse";

export interface SamlConfig {
  /** The IdP metadata XML exactly as downloaded from IAM Identity Center. */
  readonly metadataXml: string;
  /** Where it came from, for messages. */
  readonly metadataFile: string;
  /** The IdP entityID read from the metadata. */
  readonly entityId: string;
  readonly sessionDurationSeconds: number;
  /** True when the file is the repository's placeholder, which must be replaced before deploying. */
  readonly isPlaceholder: boolean;
}

export function readSaml(
  file: string,
  sessionDurationSeconds: number,
  ctx: ParseContext,
  problems: ConfigProblem[],
): SamlConfig | undefined {
  const key = `${PROJECT}:samlMetadataFile`;
  const how =
    "Download the IAM Identity Center application's SAML metadata file (Applications → your Amazon Connect application → IAM Identity Center SAML metadata file) into the repository and " +
    fix(ctx.stack, "samlMetadataFile", "saml/identity-center-metadata.xml");
  if (!file) {
    problems.push({ key, message: `required when identityType is SAML. ${how}` });
    return undefined;
  }
  const xml = ctx.readFile(file);
  if (xml === undefined) {
    problems.push({ key, message: `file ${q(file)} does not exist. ${how}` });
    return undefined;
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    problems.push({
      key,
      message: `file ${q(file)} is not well-formed XML (${valid.err.msg}, line ${valid.err.line}). ${how}`,
    });
    return undefined;
  }
  const doc = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(xml) as Record<
    string,
    unknown
  >;
  const ed = doc.EntityDescriptor as Record<string, unknown> | undefined;
  const idp = ed?.IDPSSODescriptor as Record<string, unknown> | undefined;
  const entityId = ed?.["@_entityID"];
  const text = JSON.stringify(idp ?? {});
  if (
    !ed ||
    typeof entityId !== "string" ||
    !idp ||
    !text.includes("X509Certificate") ||
    !idp.SingleSignOnService
  ) {
    problems.push({
      key,
      message: `file ${q(file)} is not IdP metadata: it needs an EntityDescriptor with an entityID and an IDPSSODescriptor holding a signing X509Certificate and a SingleSignOnService. ${how}`,
    });
    return undefined;
  }
  const isPlaceholder = /PLACEHOLDER/i.test(entityId);
  if (isPlaceholder && !ctx.allowPlaceholderSaml) {
    problems.push({
      key,
      message: `file ${q(file)} is the repository's placeholder (entityID ${q(entityId)}). ${how}`,
    });
    return undefined;
  }
  return {
    metadataXml: xml,
    metadataFile: file,
    entityId,
    sessionDurationSeconds,
    isPlaceholder,
  };
}
