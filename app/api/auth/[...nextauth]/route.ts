// GET, POST /api/auth/* — next-auth's sign-in, sign-out, session and CSRF endpoints.
import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth-options";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

function handler(request: Request, context: RouteContext) {
  return NextAuth(request as never, context as never, getAuthOptions());
}

export { handler as GET, handler as POST };
