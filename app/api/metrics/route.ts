// GET /api/metrics — this process's metrics in Prometheus's text format, for a scraper sending SWITCHBOARD_METRICS_TOKEN.
import { observeRoute } from "@/lib/api/observe";
import { authorizeMetricsScrape } from "@/lib/metrics/access";
import { scrapeMetrics } from "@/lib/metrics/scrape";

export const dynamic = "force-dynamic";

export const GET = observeRoute("/api/metrics", async (request) => {
  authorizeMetricsScrape(request.headers.get("authorization"));
  const { body, contentType } = await scrapeMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});
