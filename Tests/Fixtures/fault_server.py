#!/usr/bin/env python3
"""A misbehaving HTTP server on 127.0.0.1 for Fathom's fault tests (stdlib only).

Prints "PLAIN <port> TLS <port>" on its first line, then serves until killed:

  plain HTTP   /ok                   200 {"ok": true}
               /big-headers          200 with about 100 KB of response headers
               /bad-utf8             200 application/json whose string holds bytes that are not UTF-8
               /close-after-headers  200 with Content-Length: 1000, then the connection closes
  TLS          any path              200 {"ok": true}, with the certificate given (an expired one)
"""
import argparse
import socket
import ssl
import sys
import threading


def respond(conn, path):
    if path.startswith("/big-headers"):
        filler = "".join("X-Filler-%04d: %s\r\n" % (i, "f" * 90) for i in range(1000))
        body = b'{"headers": "big"}'
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + filler
        conn.sendall((head + "Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)).encode() + body)
    elif path.startswith("/bad-utf8"):
        body = b'{"name": "caf\xe9 \xff\xfe", "id": 7}'
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    elif path.startswith("/close-after-headers"):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    else:
        body = b'{"ok": true}'
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)


def handle(conn):
    try:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        respond(conn, parts[1] if len(parts) > 1 else "/")
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        conn.close()


def serve(listener, wrap=None):
    while True:
        conn, _ = listener.accept()
        if wrap is not None:
            try:
                conn = wrap(conn)
            except (OSError, ssl.SSLError):
                conn.close()
                continue
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def listen():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    plain, tls = listen(), listen()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    threading.Thread(target=serve, args=(tls, lambda c: context.wrap_socket(c, server_side=True)), daemon=True).start()
    print("PLAIN %d TLS %d" % (plain.getsockname()[1], tls.getsockname()[1]), flush=True)
    serve(plain)


if __name__ == "__main__":
    sys.exit(main())
