// An application backend for Parley's hooks (docs/hooks.md). Start Parley with
//   --hook-secret "$PARLEY_HOOK_SECRET" --connect-hook-url http://localhost:3000/connect
//   --publish-hook-url http://localhost:3000/publish --webhook-url http://localhost:3000/webhook
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.PARLEY_HOOK_SECRET); // whsec_…, the same as Parley's --hook-secret
const port = Number(process.env.PORT ?? 3000);
const bannedWord = process.env.BANNED_WORD ?? "darn";

// Your application's logged-in users, by session cookie; here a fixed table.
const sessions = new Map([
  ["sid-alice", { nick: "alice", rooms: ["general", "team-*"], join: ["general"] }],
  ["sid-bob", { nick: "bob", rooms: ["general"], join: [] }],
]);

function cookie(header, name) {
  const pair = (header ?? "").split(";").map((part) => part.trim().split("=")).find(([key]) => key === name);
  return pair?.[1];
}

const routes = {
  // At hello: is there a logged-in user behind the cookie, and is it the nick they say?
  "/connect": ({ nick, headers }) => {
    const user = sessions.get(cookie(headers.cookie, "sid"));
    if (!user) return { action: "reject", reason: "not logged in" };
    if (user.nick !== nick) return { action: "reject", reason: `you are ${user.nick}` };
    return { action: "accept", rooms: user.rooms, join: user.join };
  },
  // Before a send or edit is published.
  "/publish": ({ text }) => text.toLowerCase().includes(bannedWord)
    ? { action: "reject", reason: "mind your language" }
    : { action: "accept" },
  // After the fact: at least once, so a real backend dedupes on the id.
  "/webhook": (event) => {
    console.log(`webhook ${event.id} ${event.type} ${JSON.stringify(event.data)}`);
    return {};
  },
};

createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString("utf8");
  const route = req.method === "POST" && routes[req.url];
  if (!route) return res.writeHead(404).end();
  let payload;
  try {
    payload = webhook.verify(body, req.headers); // throws unless signed with the secret, within 5 minutes
  } catch {
    return res.writeHead(401).end();
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(route(payload)));
}).listen(port, "127.0.0.1", () => console.log(`listening on ${port}`));
