import type { NextAuthOptions } from "next-auth";
import { getAuthSecret } from "@/lib/auth/secret";

// next-auth's configuration: the adapter between next-auth and lib/auth. next-auth reads and
// ends sessions; they are started by the sign-in and sign-up server actions (server/sign-in.ts),
// so there is no next-auth provider: one way to sign in, throttled per email and per address.

/** How long a dashboard session lasts. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

let authOptions: NextAuthOptions | undefined;

// Built on first use rather than at import, so that `next build` needs no secret.
export function getAuthOptions(): NextAuthOptions {
  authOptions ??= {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [],
    callbacks: {
      session({ session, token }) {
        session.user = { id: token.sub!, email: token.email! };
        return session;
      },
    },
  };
  return authOptions;
}
