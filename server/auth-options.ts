import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "./credentials";
import { getAuthSecret } from "./secret";
import { throttledMessage } from "./throttle";

let authOptions: NextAuthOptions | undefined;

// Built on first use rather than at import, so that `next build` needs no secret.
export function getAuthOptions(): NextAuthOptions {
  authOptions ??= {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(credentials) {
          const result = await verifyCredentials({
            email: credentials?.email ?? "",
            password: credentials?.password ?? "",
          });
          if (result.ok) return result.user;
          // next-auth passes a thrown message to the sign-in form as the error.
          if (result.reason === "throttled") throw new Error(throttledMessage(result.retryAfterSeconds));
          return null;
        },
      }),
    ],
    callbacks: {
      session({ session, token }) {
        session.user = { id: token.sub!, email: token.email! };
        return session;
      },
    },
  };
  return authOptions;
}
