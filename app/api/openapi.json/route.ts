// GET /api/openapi.json — the Connect API's OpenAPI 3.1 document, public: it describes the API, not any project.
import { connectApiDocument } from "@/lib/api/openapi";

export function GET(request: Request): Response {
  const document = connectApiDocument({ serverUrl: new URL(request.url).origin });
  // Any site may read it (API tools, editors): it holds no project data and needs no credentials.
  return Response.json(document, { headers: { "access-control-allow-origin": "*" } });
}
