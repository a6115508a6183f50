// The benchmark's loopback server, in its own process so that the harness's CPU time is measured alone.
// argv[2]: JSON { latencyMs?, rateLimit? }. Prints "URL <url>"; answers IPC "stats" with request counts.
import { startOpenAIServer } from '../test/servers/openai.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const server = await startOpenAIServer({ ...options, logBodies: false, reply: () => '<OUTPUT><rejected/></OUTPUT>' });
process.on('message', (message) => {
  if (message === 'stats') {
    const refused = server.log.filter((r) => r.fault === 'status').length;
    process.send?.({ requests: server.log.length, refused, maxInFlight: server.maxInFlight, first: server.log[0]?.at, last: server.log.at(-1)?.at });
  }
  if (message === 'stop') void server.close().then(() => process.exit(0));
});
console.log(`URL ${server.url}`);
