import { log } from "@/lib/log";
import { recordHttpRequest } from "@/lib/metrics/registry";
import { handleApiError } from "./errors";
import { type RequestContext, requestIdFrom, runInRequest } from "./request-context";

export type RouteContext<P = Record<string, string>> = { params: Promise<P> };

/**
 * Wraps an API route handler with what every request gets: a request id (the caller's safe
 * X-Request-Id, else a new one) answered in X-Request-Id and in error bodies, an error thrown
 * answered by handleApiError, the request counted and timed under its route pattern (e.g.
 * `/projects/[projectId]/sdk/me`, never the URL), and one log line. No await and no query of its
 * own: the intake and the request API are latency-critical.
 */
export function observeRoute<P = Record<string, string>>(
  route: string,
  handler: (request: Request, context: RouteContext<P>) => Promise<Response> | Response,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return (request, context) => {
    const started = performance.now();
    const state: RequestContext = { requestId: requestIdFrom(request.headers.get("x-request-id")) };
    return runInRequest(state, async () => {
      let response: Response;
      try {
        response = await handler(request, context);
      } catch (error) {
        response = handleApiError(error);
      }
      response.headers.set("x-request-id", state.requestId);
      const seconds = (performance.now() - started) / 1000;
      const { method } = request;
      const { status } = response;
      recordHttpRequest({ route, method, status, seconds });
      const line = {
        route,
        method,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(state.errorCode ? { code: state.errorCode } : {}),
        ...state.logFields,
      };
      if (status >= 500) log.error(line, "request");
      else log.info(line, "request");
      return response;
    });
  };
}
