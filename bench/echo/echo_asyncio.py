#!/usr/bin/env python3
"""CPython asyncio echo server for the loopback echo workload (bench/echo/run_echo.sh):
asyncio.start_server with a StreamReader / StreamWriter per connection, read(4096) then write +
drain, on the default event loop (no uvloop). Prints "port N" once listening; SIGTERM stops it.

    echo_asyncio.py [--port=0] [--mode=chunk|line]
"""
import asyncio
import functools
import resource
import signal
import sys


async def echo(reader, writer, line):
    """Echoes what arrives: whole lines (--mode=line) or whatever chunk is there (--mode=chunk)."""
    try:
        while True:
            data = await (reader.readline() if line else reader.read(4096))
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    port, mode = 0, "chunk"
    for a in sys.argv[1:]:
        if a.startswith("--port="):
            port = int(a[7:])
        elif a.startswith("--mode="):
            mode = a[7:]
        else:
            print(f"echo_asyncio: unknown option {a}", file=sys.stderr)
            sys.exit(2)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    handler = functools.partial(echo, line=(mode == "line"))
    server = await asyncio.start_server(handler, "127.0.0.1", port, backlog=4096)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
