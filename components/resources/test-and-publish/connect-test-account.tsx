"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { connectTestAccount, openTestAccountPortal } from "../actions";

const POPUP_NAME = "switchboard-connect-test";
const POPUP_FEATURES = "popup,width=520,height=720";

type Outcome = { status: "connected" } | { status: "error"; message: string } | { status: "closed" };

/**
 * The Connect Portal's answer, when `event` is it: posted by `popup` from Switchboard's own origin
 * (where the portal runs), of type "switchboard:connect", about `resourceId`. Anything else is ignored.
 */
function portalAnswer(event: MessageEvent, popup: Window, resourceId: string): Outcome | undefined {
  if (event.origin !== window.location.origin || event.source !== popup) return undefined;
  const data: unknown = event.data;
  if (typeof data !== "object" || data === null) return undefined;
  const message = data as { type?: unknown; status?: unknown; resourceId?: unknown; error?: { message?: unknown } };
  if (message.type !== "switchboard:connect" || message.resourceId !== resourceId) return undefined;
  if (message.status === "connected") return { status: "connected" };
  if (message.status === "error")
    return {
      status: "error",
      message: typeof message.error?.message === "string" ? message.error.message : "The connection could not be made.",
    };
  return undefined;
}

/**
 * **Connect test account**: runs the Connect Portal's Authorization Code sign-in in a popup for the
 * resource's test connection, then refreshes the step so the saved connection shows. Without
 * JavaScript the form goes to the portal's page itself.
 */
export function ConnectTestAccount({ projectId, resourceId }: { projectId: string; resourceId: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const stop = useRef<() => void>(undefined);
  useEffect(() => () => stop.current?.(), []);

  function listen(popup: Window) {
    const onMessage = (event: MessageEvent) => {
      const answer = portalAnswer(event, popup, resourceId);
      if (answer) finish(answer);
    };
    const poll = setInterval(() => {
      // Closed without an answer: give a message posted just before closing a moment to arrive.
      if (popup.closed) setTimeout(() => finish({ status: "closed" }), 300);
    }, 500);
    let done = false;
    const finish = (answer: Outcome) => {
      if (done) return;
      done = true;
      stop.current?.();
      setPending(false);
      setOutcome(answer);
      // Closed without an answer may still have connected (the answer went to another origin): show what is saved.
      if (answer.status !== "error") router.refresh();
    };
    window.addEventListener("message", onMessage);
    stop.current = () => {
      window.removeEventListener("message", onMessage);
      clearInterval(poll);
      stop.current = undefined;
    };
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    stop.current?.();
    setOutcome(undefined);
    // Opened during the click, so no popup blocker stops it; the portal's address follows.
    const popup = window.open("about:blank", POPUP_NAME, POPUP_FEATURES);
    if (!popup) {
      setOutcome({ status: "error", message: "The browser blocked the popup. Allow popups for this site and try again." });
      return;
    }
    setPending(true);
    const result = await connectTestAccount({ projectId, resourceId });
    if (!result.ok) {
      popup.close();
      setPending(false);
      setOutcome({ status: "error", message: result.formError ?? "The connect session could not be created." });
      return;
    }
    popup.location.href = result.data.url;
    listen(popup);
  }

  return (
    <form action={openTestAccountPortal.bind(null, { projectId, resourceId })} onSubmit={onSubmit} className="space-y-3">
      {outcome?.status === "connected" && <FormMessage success="Test account connected." />}
      {outcome?.status === "error" && <FormMessage error={outcome.message} />}
      {outcome?.status === "closed" && (
        <p role="status" className="text-sm text-slate-600">
          The window was closed before the test account was connected.
        </p>
      )}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Waiting for the sign-in…" : "Connect test account"}
      </Button>
    </form>
  );
}
