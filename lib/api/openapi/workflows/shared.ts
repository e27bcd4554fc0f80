import { SECRET_KEY_REQUIRED_TO_START } from "@/lib/workflows/api-schema";
import { errorExample, errorResponse, originNotAllowedExample, switchboardUserParameter } from "../shared";

// What the workflow operations (App Events, runs, enablement) share.

export const workflowUser = switchboardUserParameter(
  "With a Secret Key: the Connected User to act for. A User Token always acts for its own user (its sub), and this header is ignored.",
);

/** 403: a browser from an origin that is not allowed, or a User Token that `what` (a workflow on an App-Level resource). */
export const workflowStartForbidden = (what: string) =>
  errorResponse(`A browser called from an origin that is not one of the project's Allowed Origins, or a User Token ${what}.`, [
    originNotAllowedExample,
    errorExample("secret_key_required", { message: SECRET_KEY_REQUIRED_TO_START }),
  ]);
