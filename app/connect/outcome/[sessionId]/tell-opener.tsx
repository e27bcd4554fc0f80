"use client";

import { useEffect } from "react";

/** What the portal posts to the page that opened it. */
export interface ConnectMessage {
  type: "switchboard:connect";
  status: "connected" | "error";
  resourceId: string;
  /** What went wrong: a code to branch on (the API's OAuth error such as access_denied, or Switchboard's) and a message. */
  error?: { code: string; message: string };
}

/** How long the outcome stays on screen before the popup closes itself. */
const CLOSE_AFTER_MS = 1500;

/**
 * Posts the outcome to the opener at the session's origin only (never "*": a page on another
 * origin hears nothing), then closes the popup. Opened from a link (no origin), it does nothing.
 */
export function TellOpener({ origin, message }: { origin: string | null; message: ConnectMessage }) {
  useEffect(() => {
    if (!origin || !window.opener) return;
    try {
      (window.opener as Window).postMessage(message, origin);
    } catch {
      return;
    }
    const timer = setTimeout(() => window.close(), CLOSE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [origin, message]);
  return null;
}
