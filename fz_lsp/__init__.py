"""fz-lsp: language server and checker for FlowZap Code (`.fz`)."""

__version__ = "0.1.0"
