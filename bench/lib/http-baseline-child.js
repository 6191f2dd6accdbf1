// Child process: the baseline, a bare node:http server answering 200 with an empty
// body (what a forward-auth "allow" looks like on the wire), nothing else.
import { createServer } from 'node:http';

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-length': '0' });
  res.end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.on('message', (msg) => {
    if (msg?.type === 'cpu') process.send({ type: 'cpu', usage: process.cpuUsage() });
    if (msg?.type === 'stop') {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    }
  });
  process.send({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
