// An echo server on node's ws: prints "port N", then "connection <path> <extensions header> <protocol>" per client.
// usage: node ws-echo-server.js [--deflate]
const { WebSocketServer } = require('ws');
const deflate = process.argv.includes('--deflate');
const wss = new WebSocketServer({
  host: '127.0.0.1', port: 0, perMessageDeflate: deflate ? { threshold: 0 } : false,
  handleProtocols: (protocols) => protocols.values().next().value || false,
});
wss.on('listening', () => console.log('port ' + wss.address().port));
wss.on('connection', (ws, req) => {
  console.log('connection ' + req.url + ' ' + (req.headers['sec-websocket-extensions'] || '-') + ' ' + (ws.extensions || '-')
              + ' ' + (ws.protocol || '-'));
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('close', (code, reason) => console.log('close ' + code + ' ' + reason));
});
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
