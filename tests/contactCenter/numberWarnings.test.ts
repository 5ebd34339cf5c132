/** What a plan says before numbers are claimed (issue 21): JP lead time, a foreign country. */
import { expect } from "chai";
import { numberWarnings } from "../../lib/numberWarnings";
import { runStack } from "../support/harness";

describe("phone number warnings", () => {
  it("Japanese numbers: the lead time of the document check, and how to deploy without them", () => {
    const [w] = numberWarnings("tokyo", "ap-northeast-1", { main: { countryCode: "JP" } });
    expect(w).to.include("stack tokyo claims Japanese numbers (main)");
    expect(w).to.include("several weeks");
    expect(w).to.include("customerchannel:phoneNumbers to {}");
  });

  it("a standalone DR outside Japan planning a JP number is told its region sells other numbers", () => {
    const w = numberWarnings("dr", "ap-southeast-1", { main: { countryCode: "JP" } });
    expect(w).to.have.length(2);
    expect(w[1]).to.include("stack dr is in ap-southeast-1 (SG) but claims main (JP)");
    expect(numberWarnings("dr", "ap-southeast-1", { sg: { countryCode: "SG" } })).to.deep.equal([]);
    expect(numberWarnings("tokyo", "ap-northeast-1", {})).to.deep.equal([]);
  });

  it("the default tokyo plan says it", async () => {
    const tokyo = await runStack("tokyo");
    expect(tokyo.run.warnings.join("\n")).to.include("stack tokyo claims Japanese numbers (main)");
  });
});
