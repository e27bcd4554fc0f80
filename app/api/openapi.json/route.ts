// GET /api/openapi.json — the Connect API's OpenAPI 3.1 document, public: it describes the API, not any project.
import { observeRoute } from "@/lib/api/observe";
import { connectApiDocument } from "@/lib/api/openapi";

export const GET = observeRoute("/api/openapi.json", (request) => {
  const document = connectApiDocument({ serverUrl: new URL(request.url).origin });
  // Any site may read it (API tools, editors): it holds no project data and needs no credentials.
  return Response.json(document, { headers: { "access-control-allow-origin": "*" } });
});
