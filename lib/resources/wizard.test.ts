import { describe, expect, it } from "vitest";
import { canOpenStep, furthestStep, isStepSkipped, nextStep, previousStep } from "./wizard";

describe("wizard steps", () => {
  it("skips Authorization for App-Level resources only", () => {
    expect(isStepSkipped("authorization", "app")).toBe(true);
    expect(isStepSkipped("authorization", "user")).toBe(false);
    expect(nextStep("api-info", "app")).toBe("request-details");
    expect(nextStep("api-info", "user")).toBe("authorization");
    expect(previousStep("request-details", "app")).toBe("api-info");
    expect(nextStep("test-and-publish", "user")).toBeUndefined();
  });

  it("opens only steps reached and not skipped", () => {
    expect(canOpenStep("authorization", "request-details", "user")).toBe(true);
    expect(canOpenStep("authorization", "request-details", "app")).toBe(false);
    expect(canOpenStep("request-details", "authorization", "user")).toBe(false);
    expect(furthestStep("name", "request-details")).toBe("request-details");
    expect(furthestStep("request-details", "api-info")).toBe("request-details");
  });
});
