"""Demo and synthetic data for kolpilot.

- :mod:`memory.seed.demo` — ``seed_demo(sessions, workspace_id=...)``: the deterministic demo
  workspace (2,200+ creators, ~48K posts, four campaigns with a full CRM history; anchors
  such as ``@skin.by.sam`` in ``ANCHOR_HANDLES``; fixed reference date ``DEMO_NOW`` =
  2026-11-20 UTC). ``is_empty`` / ``has_demo`` let ``kolpilot demo`` seed only when needed.
- :mod:`memory.seed.synthetic` — ``seed_synthetic(engine, workspace_id=..., n=...)``: millions
  of synthetic accounts (``synth_0000001`` ...) for scale tests and benchmarks.
- :mod:`memory.seed.vocab` — the names, places, niches, captions and brands both draw on.

Import the submodules directly; this package imports nothing heavy on its own.
"""
