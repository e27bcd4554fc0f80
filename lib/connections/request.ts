import type { z } from "zod";
import type { Connection } from "@/db/schema";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import { AppError } from "@/lib/errors";
import type { OutboundPolicy, OutboundResponse } from "@/lib/http/client";
import { parseJsonAnswer } from "@/lib/json";
import { currentProjectState } from "@/lib/projects/sdk-state";
import { publishedResourceAt } from "@/lib/resources/runtime";
import type { apiRequestSchema, apiResponseSchema } from "./api-schema";
import { openConnectionSession } from "./session";

export type ApiRequestInput = z.infer<typeof apiRequestSchema>;
export type ApiResponseView = z.infer<typeof apiResponseSchema>;

/**
 * Who is asking. A User Token lives in the end user's browser, so it may use only that user's
 * own User-Level connection; the team's backend (a Secret Key) and its dashboard may use any
 * resource for any Connected User, and the app's credentials.
 */
export type RequestCaller = { kind: "user_token"; userId: string } | { kind: "backend"; userId: string | undefined };

export interface SdkProject {
  id: string;
  allowPrivateNetwork: boolean;
}

export function outboundPolicy(project: Pick<SdkProject, "allowPrivateNetwork">): OutboundPolicy {
  return { allowPrivateNetwork: project.allowPrivateNetwork || allowPrivateNetworkEverywhere() };
}

/** The outbound policy of a project known only by id (a job: a workflow step, a subscription). */
export async function projectOutboundPolicy(projectId: string): Promise<OutboundPolicy> {
  return outboundPolicy({ allowPrivateNetwork: (await currentProjectState(projectId))?.project.allowPrivateNetwork ?? false });
}

function toCall(input: ApiRequestInput) {
  return {
    method: input.method,
    path: input.path,
    query: input.query,
    headers: input.headers,
    body: input.body === undefined ? undefined : typeof input.body === "string" ? input.body : JSON.stringify(input.body),
  };
}

function toView(response: OutboundResponse): ApiResponseView {
  // A truncated answer is not JSON any more; JSON nested too deep is answered as text (parseJsonAnswer).
  const body = response.truncated ? response.body : parseJsonAnswer(response.headers["content-type"], response.body);
  return { status: response.status, headers: response.headers, body, truncated: response.truncated };
}

/**
 * Sends a request through a published resource for a Connected User (User-Level) or with
 * the app's credentials (App-Level, backend callers only).
 */
export async function requestThroughResource({
  project,
  resourceId,
  caller,
  input,
  connection,
  now,
}: {
  /** With the configuration revision the caller read (the Connect API's hot statement, or `currentProjectState`). */
  project: SdkProject & { revision: number };
  resourceId: string;
  caller: RequestCaller;
  input: ApiRequestInput;
  /** The caller's user's connection to the resource when the caller has just read it (the Connect API's hot statement). */
  connection?: Connection | null;
  /** The clock that says whether the stored access token is still usable (ms; Date.now unless a test passes its own). */
  now?: () => number;
}): Promise<ApiResponseView> {
  const found = await publishedResourceAt({ projectId: project.id, resourceId, revision: project.revision });
  if (!found) throw new AppError("resource_not_found");
  const { resource, runtime } = found;
  let target: { kind: "app" } | { kind: "user"; userId: string };
  if (runtime.level === "app") {
    if (caller.kind === "user_token") throw new AppError("secret_key_required");
    target = { kind: "app" };
  } else {
    if (!caller.userId) throw new AppError("missing_user");
    target = { kind: "user", userId: caller.userId, ...(connection ? { connection } : {}) };
  }
  const session = await openConnectionSession({ resource, runtime, target, policy: outboundPolicy(project), now });
  return toView((await session.send(toCall(input))).response);
}
