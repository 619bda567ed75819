"""Repository functions: keyword-only, workspace-scoped reads and writes over memory.models."""
