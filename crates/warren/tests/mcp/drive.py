"""Drives an MCP server with the official MCP Python SDK, for warren's tests.

usage: drive.py stdio WARREN_BIN < calls.json
       drive.py http URL TOKEN [SESSION_TOKEN] < calls.json

calls.json is a list of [tool name, arguments]; ["__run__", argv] runs a command in between. Prints one JSON object: the tools (name,
description, input schema) and, per call, isError and the text of its content.
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def run(session, calls):
    await session.initialize()
    tools = (await session.list_tools()).tools
    out = {"tools": [], "calls": []}
    for t in tools:
        d = t.model_dump(mode="json", by_alias=True, exclude_none=True)
        out["tools"].append(
            {"name": d["name"], "description": d.get("description"), "schema": d.get("inputSchema")}
        )
    for name, args in calls:
        if name == "__run__":
            # A command between two calls (e.g. stopping the daemon under the server).
            proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.DEVNULL)
            await proc.wait()
            continue
        r = (await session.call_tool(name, args)).model_dump(mode="json", by_alias=True)
        text = "".join(c.get("text", "") for c in r.get("content", []))
        out["calls"].append({"tool": name, "isError": bool(r.get("isError")), "text": text})
    return out


async def main():
    mode = sys.argv[1]
    calls = json.load(sys.stdin)
    if mode == "stdio":
        params = StdioServerParameters(command=sys.argv[2], args=["mcp"], env=dict(os.environ))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                out = await run(session, calls)
    else:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        headers = {"Authorization": f"Bearer {sys.argv[3]}"}
        if len(sys.argv) > 4:
            headers["warren-session-token"] = sys.argv[4]
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            async with streamable_http_client(sys.argv[2], http_client=http) as streams:
                read, write = streams[0], streams[1]
                async with ClientSession(read, write) as session:
                    out = await run(session, calls)
    print(json.dumps(out))


asyncio.run(main())
