import { expect } from "chai";
import { checkE164 } from "../../lib/phone";

describe("phone: E.164 checks", () => {
  const good: [string, string | undefined][] = [
    ["+81312345678", "FIXED_LINE"], // Tokyo 03
    ["+81120123456", "TOLL_FREE"], // 0120
    ["+819012345678", "MOBILE"], // 090
    ["+6565123456", undefined], // Singapore, no country restriction
  ];
  for (const [n, type] of good) {
    it(`accepts ${n}`, () => {
      const r = checkE164(n);
      expect(r.ok).to.equal(true);
      if (r.ok && type) expect(r.type).to.equal(type);
    });
  }

  it("refuses national format and says what to write", () => {
    expect(checkE164("03-1234-5678")).to.deep.equal({
      ok: false,
      reason:
        '"03-1234-5678" is not E.164 (a + then up to 15 digits, no spaces or hyphens); write it as +81312345678',
    });
  });

  it("refuses spaces inside an international number", () => {
    const r = checkE164("+81 3 1234 5678");
    expect(r.ok).to.equal(false);
    expect(!r.ok && r.reason).to.include("write it as +81312345678");
  });

  it("refuses garbage without a suggestion", () => {
    expect(checkE164("call me")).to.deep.equal({
      ok: false,
      reason:
        '"call me" is not E.164 (a + then up to 15 digits, no spaces or hyphens, national 0 dropped)',
    });
  });

  it("refuses a well-formed number that cannot exist", () => {
    expect(checkE164("+81012")).to.deep.equal({
      ok: false,
      reason: "+81012 is E.164 in form but is not a number that can exist",
    });
  });

  it("refuses a number from another country when one is required", () => {
    expect(checkE164("+6565123456", { country: "JP" })).to.deep.equal({
      ok: false,
      reason: "+6565123456 is a SG number; expected a JP number",
    });
  });
});
