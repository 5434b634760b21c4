"""Shared pieces of the benchmark scripts: a fresh database served by ``odoo-bin``, plain HTTP and MCP
clients, the timed request loop, percentiles and Markdown tables."""
