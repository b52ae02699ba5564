"""The emulator: `sunogen serve` answers as a gateway's spec says it does, offline, with tasks, media and faults.

Built from one spec alone (load, check and build it into the IR as `sunogen generate` does), it serves that
gateway's paths with its auth header, envelopes, status codes and error table, checks each request with the
generated validators, moves tasks through the gateway's own status words and calls back where the spec says.
Importing this package imports neither starlette nor uvicorn: `options` is all the command line needs.

Modules, one concept each: `options` (the command line), `spec` (what is served), `shapes` (bodies from
schemas), `tasks` (a task and where it stands), `bodies` (a task in the gateway's words), `answers` (error
answers from the error table), `media` (WAV and PNG), `store` (memory or SQLite), `faults`, `callbacks`, `app`
(the ASGI routes) and `server` (uvicorn, signals).
"""
