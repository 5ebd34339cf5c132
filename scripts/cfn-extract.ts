/**
 * `npm run fidelity:cfn-extract`: writes lib/fidelity/cfn-spec.json, the CloudFormation
 * specification of the aws-native types the program uses (see lib/fidelity/cfnExtract.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { extractCfnSpec } from "../lib/fidelity/cfnExtract";
import { CFN_SPEC_FILE, specVersion } from "../lib/fidelity/cfn";

extractCfnSpec(specVersion()).then(
  (spec) => {
    fs.writeFileSync(CFN_SPEC_FILE, `${JSON.stringify(spec, null, 1)}\n`);
    process.stdout.write(
      `${path.relative(process.cwd(), CFN_SPEC_FILE)}: ${Object.keys(spec.resources).length} resource types, ${Object.keys(spec.types).length} property types\n`,
    );
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
