import { describe, expect, it } from "vitest";
import { connectApiDocument, type OpenApiDocument } from "@/lib/api/openapi";
import { GET } from "./route";

describe("GET /api/openapi.json", () => {
  it("answers the document with the request's origin as its server", async () => {
    const response = await GET(new Request("https://switchboard.example:8443/api/openapi.json?x=1"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await response.json()) as OpenApiDocument;
    expect(body).toEqual(connectApiDocument({ serverUrl: "https://switchboard.example:8443" }));
  });
});
