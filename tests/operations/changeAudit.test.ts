/**
 * Administrative change audit: the window rules (pure, table-driven, in Tokyo time whatever the
 * event's UTC time) and the ChangeAudit wiring inside Monitoring in both stacks.
 */
import { expect } from "chai";
import {
  inWindow,
  reportChange,
  windowSchema,
  type ChangeEvent,
} from "../../functions/change-window/core";
import { changeEventPattern } from "../../components/operations/changeAudit";
import { runStack, type Recorded } from "../support/harness";

const WEEKEND = [{ days: ["SATURDAY", "SUNDAY"] as const, from: "00:00", to: "24:00" }].map((w) =>
  windowSchema.parse(w),
);
const NIGHTS = [windowSchema.parse({ days: ["WEDNESDAY"], from: "22:00", to: "24:00" })];

const event = (time: string, eventName = "UpdateContactFlowContent"): ChangeEvent => ({
  time,
  region: "ap-northeast-1",
  detail: {
    eventName,
    eventSource: "connect.amazonaws.com",
    userIdentity: { arn: "arn:aws:sts::123456789012:assumed-role/Admin/sato" },
    requestParameters: { InstanceId: "i-1", ContactFlowId: "f-1" },
  },
});

describe("change windows", () => {
  const cases: [string, readonly (typeof WEEKEND)[number][], boolean, string][] = [
    // UTC Friday 15:00 is Saturday 00:00 in Tokyo: inside the weekend window.
    ["2026-12-04T15:00:00Z", WEEKEND, true, "Saturday 00:00 JST"],
    ["2026-12-04T14:59:00Z", WEEKEND, false, "Friday 23:59 JST"],
    ["2026-12-06T14:59:59Z", WEEKEND, true, "Sunday 23:59 JST"],
    ["2026-12-06T15:00:00Z", WEEKEND, false, "Monday 00:00 JST"],
    ["2026-12-02T13:00:00Z", NIGHTS, true, "Wednesday 22:00 JST (from is inclusive)"],
    ["2026-12-02T12:59:00Z", NIGHTS, false, "Wednesday 21:59 JST"],
    ["2026-12-02T14:59:00Z", NIGHTS, true, "Wednesday 23:59 JST"],
    ["2026-12-02T15:00:00Z", NIGHTS, false, "Thursday 00:00 JST (to is exclusive)"],
  ];
  for (const [time, windows, inside, what] of cases)
    it(`${what}: ${inside ? "inside" : "outside"}`, () => {
      expect(inWindow(time, windows, "Asia/Tokyo")).to.equal(inside);
    });

  it("reports who, what and when for a change outside every window, nothing inside one", () => {
    expect(reportChange(event("2026-12-05T03:00:00Z"), WEEKEND, "Asia/Tokyo", "tokyo")).to.equal(
      undefined,
    );
    const r = reportChange(event("2026-12-02T01:30:00Z"), WEEKEND, "Asia/Tokyo", "tokyo");
    expect(r?.subject).to.equal(
      "Change outside the change window: UpdateContactFlowContent (tokyo)",
    );
    const body = JSON.parse(r?.message ?? "{}") as Record<string, unknown>;
    expect(body).to.deep.include({
      what: "connect.amazonaws.com UpdateContactFlowContent",
      who: "arn:aws:sts::123456789012:assumed-role/Admin/sato",
      region: "ap-northeast-1",
      stack: "tokyo",
      parameters: { InstanceId: "i-1", ContactFlowId: "f-1" },
    });
    expect(String(body.when)).to.match(
      /^2026-12-02T01:30:00Z \(2026\/12\/02 10:30:00 Asia\/Tokyo\)$/,
    );
  });

  it("refuses malformed windows with the reason", () => {
    expect(() => windowSchema.parse({ days: ["SAT"], from: "22:00", to: "24:00" })).to.throw(
      /days/,
    );
    expect(() => windowSchema.parse({ days: ["SATURDAY"], from: "9:00", to: "24:00" })).to.throw(
      /HH:MM/,
    );
  });
});

describe("ChangeAudit in both stacks", () => {
  let tokyo: Recorded;
  let dr: Recorded;
  before(async () => {
    [tokyo, dr] = await Promise.all([runStack("tokyo"), runStack("dr")]);
  });

  it("keeps every Connect and Identity Center write call in an encrypted log group", () => {
    const rule = tokyo.get(
      "aws:cloudwatch/eventRule:EventRule",
      "tokyo-monitoring-changes-changes",
    );
    expect(JSON.parse(String(rule.inputs.eventPattern))).to.deep.equal(changeEventPattern());
    expect(changeEventPattern().source).to.deep.equal([
      "aws.connect",
      "aws.sso",
      "aws.sso-directory",
      "aws.identitystore",
    ]);
    const group = tokyo.get("aws:cloudwatch/logGroup:LogGroup", "tokyo-monitoring-changes-changes");
    expect(group.inputs).to.deep.include({
      name: "/aws/events/customerchannel/tokyo/admin-changes",
      retentionInDays: 3653,
      kmsKeyId: tokyo.get("aws:kms/key:Key", "tokyo-monitoring-key").state.arn,
    });
    expect(tokyo.run.outputs.adminChangesLogGroup).to.equal(
      "/aws/events/customerchannel/tokyo/admin-changes",
    );
  });

  it("the reporter may publish to the alarm topic only, and gets alarms like every function", () => {
    for (const [rec, stack] of [
      [tokyo, "tokyo"],
      [dr, "dr"],
    ] as const) {
      const topic = rec.get("aws:sns/topic:Topic", `${stack}-monitoring-alarms`).state.arn;
      const key = rec.get("aws:kms/key:Key", `${stack}-monitoring-key`).state.arn;
      const policy = rec.policy(
        rec.get("aws:iam/rolePolicy:RolePolicy", `${stack}-monitoring-changes-reporter`),
      );
      expect(policy.Statement.slice(1)).to.deep.equal([
        { Sid: "ReportChanges", Effect: "Allow", Action: ["sns:Publish"], Resource: topic },
        {
          Sid: "UseTopicKeyThroughSns",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: key,
          Condition: {
            StringEquals: {
              "kms:ViaService": `sns.${rec.run.outputs.region as string}.amazonaws.com`,
            },
          },
        },
      ]);
      const fn = rec.get("aws:lambda/function:Function", `${stack}-monitoring-changes-reporter`);
      const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      expect(env).to.deep.include({ TOPIC_ARN: topic, TIME_ZONE: "Asia/Tokyo", STACK: stack });
      expect(JSON.parse(env.CHANGE_WINDOWS)).to.deep.equal([
        { days: ["SATURDAY", "SUNDAY"], from: "00:00", to: "24:00" },
      ]);
      const alarmed = rec
        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => a.name)
        .filter((n) => n.includes("changes-"));
      expect(alarmed.sort()).to.deep.equal([
        `${stack}-monitoring-${stack}-monitoring-changes-dlq-dead-letters`,
        `${stack}-monitoring-${stack}-monitoring-changes-reporter-api-throttled`,
        `${stack}-monitoring-${stack}-monitoring-changes-reporter-duration`,
        `${stack}-monitoring-${stack}-monitoring-changes-reporter-errors`,
        `${stack}-monitoring-${stack}-monitoring-changes-reporter-throttles`,
      ]);
    }
  });

  it("undeliverable change events are retried for a day, then kept with the reason", () => {
    const target = tokyo.get(
      "aws:cloudwatch/eventTarget:EventTarget",
      "tokyo-monitoring-changes-reporter",
    );
    const dlq = tokyo.get("aws:sqs/queue:Queue", "tokyo-monitoring-changes-dlq");
    expect(target.inputs).to.deep.include({
      retryPolicy: { maximumRetryAttempts: 20, maximumEventAgeInSeconds: 86_400 },
      deadLetterConfig: { arn: dlq.state.arn },
    });
    const permission = tokyo.get(
      "aws:lambda/permission:Permission",
      "tokyo-monitoring-changes-invoke",
    );
    expect(permission.inputs).to.deep.include({
      principal: "events.amazonaws.com",
      sourceArn: tokyo.get("aws:cloudwatch/eventRule:EventRule", "tokyo-monitoring-changes-changes")
        .state.arn,
    });
  });
});
