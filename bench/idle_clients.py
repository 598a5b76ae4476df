#!/usr/bin/env python3
"""Opens N keep-alive connections to HOST:PORT, sends REQUESTS GETs (default 2) on each, one after the other,
reading each whole response, then keeps every connection open and idle until stdin closes or the process is
killed. More than one request per connection, because a server may set up per-connection state only when a
connection is reused (Jetty's header cache did, on the second request).

Prints "READY <open> <failed>" once all connections were tried, then "OPEN <n>" on request (a line on
stdin) so the caller can check they are still open. Connects in waves of CONCURRENCY so the server's
accept backlog never overflows (an overflowed SYN is retried after 1 s, which only slows the run).

usage: idle_clients.py HOST PORT N [CONCURRENCY [REQUESTS]]
"""
import asyncio
import sys


async def one(host, port, path, sem, conns, failures, requests):
    async with sem:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
            for _ in range(requests):
                writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nUser-Agent: idle-clients\r\n\r\n".encode())
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
                await asyncio.wait_for(reader.readexactly(length), 30)
            conns.append((reader, writer))
        except Exception as e:  # counted, the run goes on
            failures.append(repr(e))


async def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    requests = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    sem = asyncio.Semaphore(concurrency)
    conns, failures = [], []
    await asyncio.gather(*(one(host, port, "/", sem, conns, failures, requests) for _ in range(n)))
    print(f"READY {len(conns)} {len(failures)}", flush=True)
    if failures:
        print("first failure: " + failures[0], file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        still = sum(1 for r, _ in conns if not r.at_eof())
        print(f"OPEN {still}", flush=True)
    for _, w in conns:
        w.close()


asyncio.run(main())
