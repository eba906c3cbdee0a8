"""Features: one module per LSP capability, pure functions over a document state."""
