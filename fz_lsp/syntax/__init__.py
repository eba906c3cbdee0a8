"""Syntax: the grammar, the line parser and the document store. Knows nothing of LSP."""
