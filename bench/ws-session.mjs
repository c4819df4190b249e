// A small WebSocket session for the bench scripts: says hello as NICK and resolves once `welcome`
// came, with `welcome` (the event) and `welcomeMs` (from hello sent to welcome read); `ask` sends a
// command with the next id and resolves with its answer, or rejects with an `error`'s code.
export function openSession(url, nick) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const waiting = new Map();
    let id = 1;
    let helloSent;
    const session = {
      ask(command) {
        return new Promise((answer, fail) => {
          const mine = ++id;
          waiting.set(mine, { answer, fail });
          ws.send(JSON.stringify({ ...command, id: mine }));
        });
      },
      close() {
        return new Promise((closed) => {
          ws.onclose = () => closed();
          ws.close();
        });
      },
    };
    ws.onopen = () => {
      helloSent = process.hrtime.bigint();
      ws.send(JSON.stringify({ type: 'hello', id: 1, nick }));
    };
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    ws.onmessage = (frame) => {
      const event = JSON.parse(frame.data);
      if (event.id === 1) {
        if (event.type !== 'welcome') {
          reject(new Error(`hello of ${nick}: ${JSON.stringify(event)}`));
          return;
        }
        session.welcome = event;
        session.welcomeMs = Number(process.hrtime.bigint() - helloSent) / 1e6;
        resolve(session);
        return;
      }
      const request = waiting.get(event.id);
      if (!request) return;
      waiting.delete(event.id);
      if (event.type === 'error') request.fail(new Error(`${event.code}: ${event.message ?? ''}`));
      else request.answer(event);
    };
  });
}

/** p50, p90, p99 and max of LATENCIES (ms; sorted in place), under NAME with the fields of EXTRA. */
export function percentiles(name, latencies, extra = {}) {
  latencies.sort((a, b) => a - b);
  if (latencies.length === 0) latencies.push(NaN);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { name, ...extra, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies[latencies.length - 1] };
}

/** One line of a result of `percentiles`, after LABEL. */
export function describe(label, result) {
  return `${label} p50 ${result.p50.toFixed(2)} ms, p90 ${result.p90.toFixed(2)} ms, `
    + `p99 ${result.p99.toFixed(2)} ms, max ${result.max.toFixed(2)} ms`;
}
