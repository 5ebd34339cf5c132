/**
 * `npm run flows:validate -- <file.json>... [--type CONTACT_FLOW] [--multi-region]`
 *
 * Validates flow files: rendered flows, templates (variables are treated as opaque strings) or
 * raw console exports. The flow type comes from --type, else the file's designer metadata.
 * Exit codes: 0 no errors (warnings are printed), 1 errors, 2 bad usage or unreadable file.
 */
import * as fs from "node:fs";
import { Command, Option } from "commander";
import { parseArgs, USAGE_ERROR } from "./cli";
import { declaredType } from "../flows/metadata";
import {
  FLOW_TYPES,
  errorsOnly,
  formatProblem,
  validateFlow,
  type FlowType,
} from "../flows/validate";

function main(argv: string[]): number {
  const program = new Command()
    .name("npm run flows:validate --")
    .argument("<files...>", "flow JSON files")
    .addOption(
      new Option("-t, --type <type>", "flow type (default: the file's metadata)").choices([
        ...FLOW_TYPES,
      ]),
    )
    .option(
      "--multi-region",
      "require $.AwsRegion in Lambda and Lex ARNs (flows mirrored by Global Resiliency)",
    )
    .option(
      "--template-rules",
      "this project's rules for its own templates: every error an action can raise is routed",
    );
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const o = program.opts<{ type?: FlowType; multiRegion?: boolean; templateRules?: boolean }>();
  let errors = 0;
  for (const file of program.args) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      process.stderr.write(`${file}: cannot read (${(e as Error).message})\n`);
      return USAGE_ERROR;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const type = o.type ?? declaredType(parsed) ?? "CONTACT_FLOW";
    const problems = validateFlow(text, {
      type,
      multiRegion: o.multiRegion,
      templateRules: o.templateRules,
    });
    const bad = errorsOnly(problems).length;
    errors += bad;
    for (const p of problems) process.stdout.write(`${formatProblem(file, p)}\n`);
    process.stdout.write(
      `${file}: ${type}, ${bad ? `${bad} error(s)` : "valid"}${problems.length - bad ? `, ${problems.length - bad} warning(s)` : ""}\n`,
    );
  }
  return errors ? 1 : 0;
}

process.exitCode = main(process.argv);
