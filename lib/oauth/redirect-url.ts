import { ConfigError, type ConfigEnv, publicUrl } from "@/lib/config/env";

/** Where an API sends end users back after they authorize (the Connect Portal's callback route). */
export const OAUTH_CALLBACK_PATH = "/oauth/callback";

/** The Redirect URL a team registers at its API for an Authorization Code resource: `{public origin}/oauth/callback`. */
export function oauthRedirectUrl(env?: ConfigEnv): string {
  return `${publicUrl(env)}${OAUTH_CALLBACK_PATH}`;
}

/** The Redirect URL as the wizard shows it, or why it cannot be built (NEXTAUTH_URL unset or invalid). */
export function shownOAuthRedirectUrl(env?: ConfigEnv): { redirectUrl: string; problem: string | null } {
  try {
    return { redirectUrl: oauthRedirectUrl(env), problem: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { redirectUrl: OAUTH_CALLBACK_PATH, problem: error.message };
  }
}
