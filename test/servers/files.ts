// A loopback server that serves fixed files by path (a published judge prompt, a settings file), and
// counts each request, so tests can see a URL downloaded once and then read from the cache.
import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface FileServer {
  url: string;
  /** Requests per path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startFileServer(files: Record<string, string>): Promise<FileServer> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  });
  return { ...(await listenOnLoopback(server)), hits };
}
