#!/usr/bin/env python3
"""Seed corpus for the fuzz targets: valid and edge-case WebSocket traffic in the targets' input layout.

    gen_seeds.py OUT_DIR     writes OUT_DIR/server/* and OUT_DIR/client/* (deterministic: same files every run)

Input layout (see fuzz_server.c and fuzz_client.c): byte 0 flags, byte 1 chunking, [byte 2 prefix/response variant],
then the bytes the peer sends. Client-to-server frames are masked here (or, with the server's flag bit 3, by the
harness on the fly); server-to-client frames are not.
"""
import hashlib
import os
import struct
import sys
import zlib

KEY = b"\x37\xfa\x21\x3d"

# server flags (fuzz_server.c)
S_DEFLATE, S_SMALL, S_PREFIX, S_MASK, S_ZEROKEY, S_RST, S_INLINE, S_HALFCLOSE = 1, 2, 4, 8, 16, 32, 64, 128
# server prefixes (index into fuzz_server.c's prefixes[])
P_PLAIN, P_CHAT, P_PMD, P_PMD_NOCTX, P_PMD_BITS, P_FULL, P_HTTP_GET, P_HTTP_POST, P_HTTP_CHUNKED, P_REFUSE = range(10)
# client flags (fuzz_client.c)
C_DEFLATE, C_SMALL, C_RAW, C_RST, C_INLINE, C_CHAT, C_HALFCLOSE = 1, 2, 4, 8, 16, 32, 64
# client response variant bits
V_PMD, V_PMD_NOCTX, V_PMD_SBITS, V_PMD_CBITS, V_PMD_UNKNOWN, V_XWEBKIT, V_PMD_TWICE = 1, 2, 3, 4, 5, 6, 7
V_PROTO, V_BADACCEPT, V_MORE = 8, 16, 32

TEXT, BINARY, CONT, CLOSE, PING, PONG = 1, 2, 0, 8, 9, 10


def frame(op, payload=b"", fin=True, rsv=0, mask=None, key=KEY, length=None, form=None):
    """One frame. mask: True/False (None: decided by the caller's face). form: force a 7/16/64-bit length."""
    n = len(payload) if length is None else length
    b0 = (0x80 if fin else 0) | (rsv << 4) | op
    m = 0x80 if mask else 0
    if form == 64 or (form is None and n > 65535):
        hdr = bytes([b0, m | 127]) + struct.pack(">Q", n)
    elif form == 16 or (form is None and n > 125):
        hdr = bytes([b0, m | 126]) + struct.pack(">H", n)
    else:
        hdr = bytes([b0, m | n])
    if not mask:
        return hdr + payload
    return hdr + key + bytes(c ^ key[i & 3] for i, c in enumerate(payload))


def deflate_raw(data, sync=True):
    """permessage-deflate payload (RFC 7692 7.2.1): raw deflate, sync flush, the trailing 00 00 ff ff removed."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    return out[:-4] if sync and out.endswith(b"\x00\x00\xff\xff") else out


def close_body(code, reason=b""):
    return struct.pack(">H", code) + reason


# ---- frame sequences a peer can send (payload level; masking applied per face) -------------------------------

def sequences():
    """(name, [(op, payload, kwargs)...], needs) — needs: 'deflate' for compressed frames, 'small'/'big' profile."""
    euro, clef = "€".encode(), "𝄞".encode()
    seqs = []
    add = lambda name, frames, needs="": seqs.append((name, frames, needs))
    add("text", [(TEXT, b"hello", {})])
    add("binary-empty", [(BINARY, b"", {})])
    add("text-empty", [(TEXT, b"", {})])
    for n in (1, 2, 3, 125, 126, 127, 128, 255, 256, 257, 1000):
        add(f"binary-{n}", [(BINARY, bytes(i & 0xff for i in range(n)), {})])
    for n in (0, 1, 125, 126):
        add(f"binary-{n}-16bit", [(BINARY, b"x" * n, {"form": 16})])
        add(f"binary-{n}-64bit", [(BINARY, b"x" * n, {"form": 64})])
    add("binary-65535", [(BINARY, b"\xab" * 65535, {})], "big")
    add("binary-65536", [(BINARY, b"\xcd" * 65536, {})], "big")
    add("length-2^63", [(BINARY, b"abc", {"length": 1 << 63, "form": 64})])
    add("length-2^63-1", [(BINARY, b"abc", {"length": (1 << 63) - 1, "form": 64})])
    add("length-2^64-1", [(BINARY, b"abc", {"length": (1 << 64) - 1, "form": 64})])
    add("length-over-input", [(BINARY, b"abc", {"length": 100000})])
    # fragmentation, control frames in between
    add("fragmented", [(TEXT, b"hel", {"fin": False}), (CONT, b"lo", {})])
    add("fragmented-ping", [(TEXT, b"hel", {"fin": False}), (PING, b"p", {}), (CONT, b"l", {"fin": False}),
                            (PONG, b"q", {}), (CONT, b"o", {})])
    add("fragmented-close", [(BINARY, b"ab", {"fin": False}), (CLOSE, close_body(1000), {}), (CONT, b"c", {})])
    add("fragmented-many", [(BINARY, b"x" * 10, {"fin": False})] + [(CONT, b"y" * 10, {"fin": False})] * 30 +
        [(CONT, b"z", {})])
    add("fragmented-empty", [(TEXT, b"", {"fin": False}), (CONT, b"", {"fin": False}), (CONT, b"", {})])
    add("continuation-without-start", [(CONT, b"abc", {})])
    add("text-inside-fragmented", [(TEXT, b"a", {"fin": False}), (TEXT, b"b", {})])
    add("ping-fragmented", [(PING, b"ab", {"fin": False})])
    # message size limits: 256 (small profile), 65536 (big)
    add("small-max", [(BINARY, b"m" * 256, {})], "small")
    add("small-over", [(BINARY, b"m" * 257, {})], "small")
    add("small-over-fragments", [(BINARY, b"m" * 100, {"fin": False}), (CONT, b"n" * 100, {"fin": False}),
                                 (CONT, b"o" * 100, {}), (TEXT, b"after", {})], "small")
    add("small-over-frames-then-more", [(BINARY, b"q" * 200, {"fin": False}), (CONT, b"r" * 200, {})] +
        [(BINARY, b"s" * 300, {})] * 3, "small")
    add("big-over", [(BINARY, b"\x01" * 40000, {"fin": False}), (CONT, b"\x02" * 30000, {})], "big")
    # pings, pongs, closes
    for n in (0, 1, 125, 126):
        add(f"ping-{n}", [(PING, b"p" * n, {})])
    add("pings-burst", [(PING, bytes([i]), {}) for i in range(40)])
    add("pong-unsolicited", [(PONG, b"unsolicited", {})])
    for name, body in [("empty", b""), ("1byte", b"\x03"), ("1000", close_body(1000)), ("1005", close_body(1005)),
                       ("999", close_body(999)), ("5000", close_body(5000)), ("1000-reason", close_body(1000, b"bye")),
                       ("1000-bad-utf8", close_body(1000, b"\xc0\xaf")), ("125", close_body(1000, b"r" * 123)),
                       ("126", close_body(1000, b"r" * 124)), ("4999", close_body(4999, "ü".encode())),
                       ("1015", close_body(1015))]:
        add(f"close-{name}", [(CLOSE, body, {})])
    add("close-then-data", [(CLOSE, close_body(1000), {}), (TEXT, b"late", {}), (PING, b"", {})])
    # UTF-8 split at every boundary, and invalid
    for s in (euro, clef, "aé€𝄞z".encode()):
        for cut in range(1, len(s)):
            add(f"utf8-split-{s.hex()}-{cut}", [(TEXT, s[:cut], {"fin": False}), (CONT, s[cut:], {})])
    for name, b in [("overlong", b"\xc0\xaf"), ("surrogate", b"\xed\xa0\x80"), ("over-max", b"\xf4\x90\x80\x80"),
                    ("truncated", b"ab\xe2\x82"), ("lone-cont", b"\x80"), ("ff", b"\xff")]:
        add(f"utf8-invalid-{name}", [(TEXT, b, {})])
        add(f"utf8-invalid-{name}-fragmented", [(TEXT, b"ok", {"fin": False}), (CONT, b, {})])
    # RSV bits and reserved opcodes
    for rsv in (1, 2, 4, 3):
        add(f"rsv-{rsv}", [(TEXT, b"rsv", {"rsv": rsv})])
    for op in (3, 4, 5, 6, 7, 11, 12, 13, 14, 15):
        add(f"opcode-{op}", [(op, b"op", {})])
    # what the application does on a message (harness.c: first byte)
    add("app-close", [(TEXT, b"C\x00going", {})])
    add("app-close-long", [(TEXT, b"C\x05" + b"r" * 130, {})])
    add("app-ping", [(BINARY, b"Pping", {})])
    add("app-pause", [(TEXT, b"Rpause", {}), (TEXT, b"more", {}), (BINARY, b"x" * 300, {})])
    add("app-stream", [(TEXT, "Sstreamed €".encode(), {})])
    add("app-big", [(BINARY, b"Bbig", {}), (TEXT, b"after", {})])
    add("app-all", [(TEXT, b"Sx", {}), (BINARY, b"B", {}), (BINARY, b"Pq", {}), (TEXT, b"R", {}),
                    (TEXT, b"echo", {}), (TEXT, b"C\x01", {})])
    # permessage-deflate
    add("pmd-hello", [(TEXT, deflate_raw(b"hello hello hello"), {"rsv": 4})], "deflate")
    add("pmd-binary", [(BINARY, deflate_raw(bytes(range(256)) * 4), {"rsv": 4})], "deflate")
    add("pmd-two-messages", [(TEXT, deflate_raw(b"first message"), {"rsv": 4}),
                             (TEXT, deflate_raw(b"second message"), {"rsv": 4})], "deflate")
    z = deflate_raw(b"fragmented compressed message " * 10)
    add("pmd-fragmented", [(TEXT, z[:7], {"rsv": 4, "fin": False}), (CONT, z[7:20], {"fin": False}),
                           (PING, b"", {}), (CONT, z[20:], {})], "deflate")
    add("pmd-rsv1-on-continuation", [(TEXT, z[:7], {"rsv": 4, "fin": False}), (CONT, z[7:], {"rsv": 4})], "deflate")
    add("pmd-sync-marker-kept", [(TEXT, deflate_raw(b"marker", sync=False), {"rsv": 4})], "deflate")
    add("pmd-empty", [(TEXT, b"\x00", {"rsv": 4}), (BINARY, b"", {"rsv": 4})], "deflate")
    corrupt = bytearray(deflate_raw(b"corrupt me please " * 5))
    corrupt[3] ^= 0xff
    add("pmd-corrupt", [(BINARY, bytes(corrupt), {"rsv": 4})], "deflate")
    add("pmd-garbage", [(BINARY, b"\xff\xff\xff\xff\xff", {"rsv": 4})], "deflate")
    add("pmd-bomb", [(BINARY, deflate_raw(b"\x00" * (1 << 20)), {"rsv": 4})], "deflate")
    add("pmd-bomb-small", [(BINARY, deflate_raw(b"\x00" * 2000), {"rsv": 4})], "deflate")
    add("pmd-invalid-utf8", [(TEXT, deflate_raw(b"ok \xc0\xaf bad"), {"rsv": 4})], "deflate")
    add("pmd-utf8-split", [(TEXT, deflate_raw(euro[:1]), {"rsv": 4, "fin": False}), (CONT, deflate_raw(euro[1:]), {})],
        "deflate")
    add("pmd-control-rsv1", [(PING, b"x", {"rsv": 4})], "deflate")
    add("pmd-uncompressed-mixed", [(TEXT, b"plain", {}), (TEXT, deflate_raw(b"packed"), {"rsv": 4})], "deflate")
    return seqs


def encode(frames, mask):
    out = b""
    for op, payload, kw in frames:
        kw = dict(kw)
        out += frame(op, payload, mask=mask, **kw)
    return out


def flags_for(needs, base):
    f = base
    if needs == "deflate":
        f |= 1
    if needs == "small":
        f |= 2
    return f


# ---- HTTP requests (server face, raw) ----------------------------------------------------------------------

def upgrade(path="/ws", extra="", version="13", key="dGhlIHNhbXBsZSBub25jZQ==", eol="\r\n", http="HTTP/1.1",
            omit=()):
    lines = [f"GET {path} {http}", "Host: 127.0.0.1"]
    hdrs = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", key),
            ("Sec-WebSocket-Version", version)]
    lines += [f"{k}: {v}" for k, v in hdrs if k not in omit]
    text = eol.join(lines) + eol + extra + eol
    return text.encode()


def http_requests():
    r = []
    add = lambda name, b: r.append((name, b))
    add("upgrade", upgrade())
    add("upgrade-chat", upgrade(extra="Sec-WebSocket-Protocol: chat\r\n"))
    add("upgrade-protocols", upgrade(extra="Sec-WebSocket-Protocol: a, b, chat, d\r\n"))
    add("upgrade-unknown-protocol", upgrade(extra="Sec-WebSocket-Protocol: nope\r\n"))
    add("upgrade-pmd", upgrade(extra="Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
    for p in ("server_max_window_bits=7", "server_max_window_bits=16", "client_max_window_bits=abc",
              "server_no_context_takeover; server_no_context_takeover", "unknown=1", "client_max_window_bits=8"):
        add(f"upgrade-pmd-{p}", upgrade(extra=f"Sec-WebSocket-Extensions: permessage-deflate; {p}\r\n"))
    add("upgrade-two-extensions", upgrade(extra="Sec-WebSocket-Extensions: foo, permessage-deflate\r\n"
                                                "Sec-WebSocket-Extensions: permessage-deflate\r\n"))
    add("upgrade-lf-only", upgrade(eol="\n"))
    add("upgrade-http10", upgrade(http="HTTP/1.0"))
    add("upgrade-version-8", upgrade(version="8"))
    add("upgrade-short-key", upgrade(key="abc"))
    add("upgrade-long-key", upgrade(key="A" * 200))
    for h in ("Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"):
        add(f"upgrade-no-{h}", upgrade(omit=(h,)))
    add("upgrade-repeated-key", upgrade(extra="Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"))
    add("upgrade-many-headers", upgrade(extra="".join(f"X-H{i}: v{i}\r\n" for i in range(100))))
    add("upgrade-huge-header", upgrade(extra="X-Big: " + "v" * 4000 + "\r\n"))
    add("upgrade-huge-cookie", upgrade(extra="Cookie: " + "c=d; " * 800 + "\r\n"))
    add("upgrade-long-uri", upgrade(path="/ws?" + "a=b&" * 700))
    add("upgrade-query", upgrade(path="/chat?room=1&user=%41%00x&&=&e"))
    add("upgrade-dotdot", upgrade(path="/../../etc/passwd"))
    add("upgrade-custom-headers", upgrade(extra="X-Api-Key: k1\r\nx-api-key: k2\r\nX-Empty:\r\nX-Tab:\tv\t\r\n"
                                                "Origin: http://a\r\nAuthorization: Bearer t\r\n"))
    add("upgrade-folded", upgrade(extra="X-Fold: a\r\n b\r\n"))
    add("upgrade-no-colon", upgrade(extra="NoColonHere\r\n"))
    add("upgrade-refuse", upgrade(path="/refuse"))
    add("get-404", b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")
    add("get-http", b"GET /http/x?a=1 HTTP/1.1\r\nHost: x\r\n\r\n")
    add("get-http-pipelined", b"GET /http/a HTTP/1.1\r\nHost: x\r\n\r\nGET /http/b HTTP/1.1\r\nHost: x\r\n\r\n" +
        upgrade())
    add("post-http", b"POST /http/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
    add("post-http-short-body", b"POST /http/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort")
    add("post-http-over-max", b"POST /http/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n" + b"p" * 300)
    add("post-http-chunked", b"POST /http/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"5\r\nhello\r\n0\r\n\r\n")
    add("post-404", b"POST /nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
    for m in ("HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "BREW"):
        add(f"method-{m}", f"{m} /http/x HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    add("http2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    add("garbage", b"\x16\x03\x01\x00\xa5\x01\x00\x00")
    add("empty-line", b"\r\n\r\n")
    return r


# ---- HTTP responses (client face, raw; @ACCEPT@ becomes the right accept value) ----------------------------

def responses():
    ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    acc = "Sec-WebSocket-Accept: @ACCEPT@\r\n"
    r = []
    add = lambda name, s: r.append((name, s.encode() if isinstance(s, str) else s))
    add("101", ok + acc + "\r\n")
    add("101-lf-only", (ok + acc + "\r\n").replace("\r\n", "\n"))
    add("101-lowercase", (ok + acc).lower().replace("@accept@", "@ACCEPT@") + "\r\n")
    add("101-pmd", ok + acc + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n")
    add("101-pmd-bits", ok + acc + "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=8\r\n\r\n")
    add("101-pmd-bad", ok + acc + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99\r\n\r\n")
    add("101-unknown-ext", ok + acc + "Sec-WebSocket-Extensions: foo\r\n\r\n")
    add("101-protocol", ok + acc + "Sec-WebSocket-Protocol: chat\r\n\r\n")
    add("101-protocol-unoffered", ok + acc + "Sec-WebSocket-Protocol: other\r\n\r\n")
    add("101-bad-accept", ok + "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    add("101-no-accept", ok + "\r\n")
    add("101-two-accepts", ok + acc + acc + "\r\n")
    add("101-no-upgrade", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n" + acc + "\r\n")
    add("101-no-connection", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" + acc + "\r\n")
    add("101-many-headers", ok + acc + "".join(f"X-H{i}: {i}\r\n" for i in range(100)) + "\r\n")
    add("101-huge-header", ok + acc + "X-Big: " + "v" * 5000 + "\r\n\r\n")
    add("200", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
    add("302", "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\n\r\n")
    add("401", "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\n\r\n")
    add("http10-101", "HTTP/1.0 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + acc + "\r\n")
    add("status-garbage", "HTTP/1.1 1x1 ???\r\n\r\n")
    add("empty", "")
    add("only-status", "HTTP/1.1 101 Switching Protocols\r\n")
    return r


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "seeds"
    written = {"server": 0, "client": 0}

    def write(face, name, data):
        d = os.path.join(out, face)
        os.makedirs(d, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_.=" else "_" for c in name)[:80]
        with open(os.path.join(d, f"{safe}-{hashlib.sha1(data).hexdigest()[:8]}"), "wb") as f:
            f.write(data)
        written[face] += 1

    seqs = sequences()
    for i, (name, frames, needs) in enumerate(seqs):
        pattern = [0, 0x01, 0x05, 0x1a, 0x0b, 0x2e][i % 6]  # whole, 1-byte, 7, random<=125, 128, 1000 x2 rounds
        # server: valid upgrade + masked frames; the same as plain frames masked on the fly
        prefix = {"deflate": P_PMD, "small": P_PLAIN, "big": P_PLAIN}.get(needs, [P_PLAIN, P_CHAT, P_FULL][i % 3])
        f = flags_for(needs, S_PREFIX)
        write("server", f"{name}", bytes([f, pattern, prefix]) + encode(frames, True))
        if needs != "big":
            write("server", f"{name}-plain", bytes([f | S_MASK | (S_ZEROKEY if i % 4 == 0 else 0) |
                                                    (S_INLINE if i % 3 == 0 else 0), 0, prefix]) +
                  encode(frames, False))
        # client: a valid 101 (agreeing to deflate when needed) + unmasked frames
        variant = V_PMD if needs == "deflate" else (V_PROTO if i % 5 == 0 else 0)
        cf = flags_for(needs, C_CHAT if variant & V_PROTO else 0) | (C_INLINE if i % 3 == 1 else 0)
        write("client", name, bytes([cf, pattern, variant]) + encode(frames, False))
    # masks where they must not be: unmasked to the server, masked to the client
    write("server", "unmasked-to-server", bytes([S_PREFIX, 0, P_PLAIN]) + frame(TEXT, b"nomask", mask=False))
    write("client", "masked-to-client", bytes([0, 0, 0]) + frame(TEXT, b"mask", mask=True))
    # the small profile's 1009 in many frames (lws client: rx_ubuf overrun without patch 0005)
    write("client", "1009-many-frames", bytes([C_SMALL, 0, 0]) + b"".join(
        frame(BINARY if i == 0 else CONT, b"z" * 120, fin=(i == 9)) for i in range(10)))
    # server: raw HTTP requests, some followed by frames
    for i, (name, req) in enumerate(http_requests()):
        tail = encode([(TEXT, b"hello", {}), (CLOSE, close_body(1000), {})], True) if req.startswith(b"GET /ws") else b""
        write("server", f"http-{name}", bytes([[0, S_SMALL, S_DEFLATE, S_RST][i % 4], [0, 0x03, 0x0f][i % 3]]) +
              req + tail)
    # server: the fixed prefixes for the HTTP mount, with a body
    write("server", "prefix-post-body", bytes([S_PREFIX, 0, P_HTTP_POST]) + b"posted body")
    write("server", "prefix-chunked-body", bytes([S_PREFIX, 0, P_HTTP_CHUNKED]) + b"4\r\nbody\r\n0\r\n\r\n")
    write("server", "prefix-get", bytes([S_PREFIX, 0, P_HTTP_GET]) + b"GET /http/again HTTP/1.1\r\nHost: x\r\n\r\n")
    write("server", "prefix-refuse", bytes([S_PREFIX, 0, P_REFUSE]) + frame(TEXT, b"x", mask=True))
    # client: raw responses, followed by a message and a close
    frames = encode([(TEXT, b"hello", {}), (CLOSE, close_body(1000), {})], False)
    for i, (name, resp) in enumerate(responses()):
        f = C_RAW | ([0, C_DEFLATE, C_SMALL, C_CHAT][i % 4])
        if b"permessage-deflate" in resp:
            f |= C_DEFLATE
        write("client", f"response-{name}", bytes([f, [0, 0x01, 0x0d][i % 3]]) + resp + frames)
    print(f"gen_seeds: {written['server']} server and {written['client']} client seeds in {out}")


if __name__ == "__main__":
    main()
