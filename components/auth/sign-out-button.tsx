"use client";

import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const router = useRouter();
  async function signOutAndLeave() {
    // next-auth would redirect to an absolute URL built from NEXTAUTH_URL; stay on this origin instead.
    await signOut({ redirect: false });
    router.replace("/sign-in");
    router.refresh();
  }
  return (
    <Button variant="ghost" className="mt-1 w-full justify-start" onClick={signOutAndLeave}>
      Sign out
    </Button>
  );
}
