// A server that completes the handshake, then never answers pings: prints "port N", "connection", "closed".
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
wss.on('listening', () => console.log('port ' + wss.address().port));
wss.on('connection', (ws) => {
  console.log('connection');
  ws.on('ping', () => console.log('ping'));
  ws.on('close', (code) => console.log('closed ' + code));
});
