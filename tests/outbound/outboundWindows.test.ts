/** Calling windows in JST: boundaries, holidays, dunning's legal hours, promised dates. */
import { expect } from "chai";
import {
  jstDate,
  mayCallNow,
  nextCallTime,
  parseWindow,
  type CallingRules,
} from "../../functions/outbound/windows";

const jst = (s: string) => Date.parse(`${s}+09:00`);
const iso = (t: number | undefined) =>
  t === undefined
    ? "never"
    : new Date(t + 9 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");

const WEEKDAYS = {
  MONDAY: "09:00-18:00",
  TUESDAY: "09:00-18:00",
  WEDNESDAY: "09:00-18:00",
  THURSDAY: "09:00-18:00",
  FRIDAY: "09:00-18:00",
};
const tele: CallingRules = { type: "telemarketing", windows: WEEKDAYS, holidays: ["2026-11-23"] };
// A campaign asking for more than the law allows: dunning is clamped to 08:00-21:00.
const dunning: CallingRules = {
  type: "dunning",
  windows: {
    MONDAY: "07:00-23:00",
    TUESDAY: "07:00-23:00",
    SATURDAY: "20:30-23:59",
    SUNDAY: "21:00-23:00",
  },
};

describe("outbound: calling windows (JST, no DST)", () => {
  // 2026-11-23 is a Monday (勤労感謝の日), 2026-11-24 a Tuesday.
  const cases: [string, CallingRules, string, string, string?][] = [
    ["inside the window", tele, "2026-11-24T10:00", "2026-11-24 10:00"],
    ["at the opening minute", tele, "2026-11-24T09:00", "2026-11-24 09:00"],
    ["one minute before opening", tele, "2026-11-24T08:59", "2026-11-24 09:00"],
    ["at closing time: the next day", tele, "2026-11-24T18:00", "2026-11-25 09:00"],
    ["Friday evening → Monday", tele, "2026-11-27T19:00", "2026-11-30 09:00"],
    ["holiday Monday → Tuesday", tele, "2026-11-23T10:00", "2026-11-24 09:00"],
    [
      "JST midnight crossing (UTC still the day before)",
      tele,
      "2026-11-25T00:30",
      "2026-11-25 09:00",
    ],
    [
      "dunning clamped at 08:00, not the campaign's 07:00",
      dunning,
      "2026-11-24T07:30",
      "2026-11-24 08:00",
    ],
    [
      "dunning stops at 21:00, not the campaign's 23:00",
      dunning,
      "2026-11-24T21:00",
      "2026-11-28 20:30",
    ],
    ["dunning Saturday 20:30-21:00 only", dunning, "2026-11-28T20:59", "2026-11-28 20:59"],
    [
      "dunning Sunday window entirely after 21:00: none",
      dunning,
      "2026-11-29T10:00",
      "2026-11-30 08:00",
    ],
    [
      "dunning before a promised date waits for it",
      dunning,
      "2026-11-24T10:00",
      "2026-11-30 08:00",
      "2026-11-29",
    ],
    [
      "a promised date in the past changes nothing",
      dunning,
      "2026-11-24T10:00",
      "2026-11-24 10:00",
      "2026-11-01",
    ],
  ];
  for (const [what, rules, now, want, promised] of cases) {
    it(`${what}: ${now} → ${want}`, () => {
      expect(iso(nextCallTime(rules, jst(now), promised))).to.equal(want);
    });
  }

  it("mayCallNow is true exactly inside the window", () => {
    expect(mayCallNow(tele, jst("2026-11-24T17:59"))).to.equal(true);
    expect(mayCallNow(tele, jst("2026-11-24T18:00"))).to.equal(false);
    expect(mayCallNow(dunning, jst("2026-11-24T21:30"))).to.equal(false);
  });

  it("no windows, or only holidays, means never (within two weeks)", () => {
    expect(nextCallTime({ type: "callback", windows: {} }, jst("2026-11-24T10:00"))).to.equal(
      undefined,
    );
  });

  it("parses windows strictly", () => {
    expect(parseWindow("09:00-18:00")).to.deep.equal({ start: 540, end: 1080 });
    expect(parseWindow("00:00-24:00")).to.deep.equal({ start: 0, end: 1440 });
    for (const bad of ["18:00-09:00", "9:00-18:00", "09:00-09:00", "09:60-10:00", "24:00-24:30"])
      expect(parseWindow(bad), bad).to.equal(undefined);
  });

  it("dates instants in JST", () => {
    expect(jstDate(Date.parse("2026-11-24T15:00:00Z"))).to.equal("2026-11-25");
    expect(jstDate(Date.parse("2026-11-24T14:59:59Z"))).to.equal("2026-11-24");
  });
});
