"use strict";
// one WebSocket per protocol, to the vhost that served this page (the Content-Security-Policy allows only that)
function open(protocol, form, input, log) {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/", [protocol]);
  const line = (text) => { log.textContent = text + "\n" + log.textContent; };
  ws.onopen = () => line("connected, protocol " + ws.protocol);
  ws.onmessage = (e) => line("< " + e.data);
  ws.onclose = (e) => line("closed (" + e.code + ")");
  form.onsubmit = (e) => { e.preventDefault(); ws.send(input.value); line("> " + input.value); };
}
const $ = (id) => document.getElementById(id);
open("echo", $("echo-form"), $("echo-text"), $("echo-log"));
open("mirror", $("mirror-form"), $("mirror-text"), $("mirror-log"));
