// The benchmark's third echo server, neither ours nor lws: uWebSockets.js (npm "uwebsockets", C++ under Node.js).
// Whole messages echoed as they come, no compression, 16 MiB messages; TLS when cert and key are given.
//   node bench-uws-echo.js PORT [CERT.pem KEY.pem]     prints "READY PORT" once it listens on 127.0.0.1
const uWS = require(require('path').join(process.env.UWS_DIR, 'node_modules', 'uwebsockets'));
const [port, cert, key] = [parseInt(process.argv[2]), process.argv[3], process.argv[4]];
const app = cert ? uWS.SSLApp({ cert_file_name: cert, key_file_name: key }) : uWS.App();
app.ws('/*', {
  maxPayloadLength: 16 * 1024 * 1024,
  maxBackpressure: 64 * 1024 * 1024,
  idleTimeout: 0,
  compression: uWS.DISABLED,
  message: (ws, message, isBinary) => { ws.send(message, isBinary); }
}).listen('127.0.0.1', port, (token) => {
  console.log(token ? 'READY ' + port : 'FAILED to listen on ' + port);
  if (!token) process.exit(1);
});
