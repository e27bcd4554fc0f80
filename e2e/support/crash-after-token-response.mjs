// Preloaded into a test server with `node --import` (NODE_OPTIONS): kills the process the moment a
// token endpoint's answer has been read, before Switchboard can store the tokens it got, to test
// what a crash there leaves behind. It watches undici's diagnostics channel; production code has
// no hook for it.
import diagnosticsChannel from "node:diagnostics_channel";

diagnosticsChannel.subscribe("undici:request:trailers", ({ request }) => {
  if (request.method === "POST" && /\/oauth\/token(\?|$)/.test(request.path)) process.kill(process.pid, "SIGKILL");
});
