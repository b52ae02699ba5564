"""Conformance tests: each generated vendor client against its own spec, over respx (never the network)."""
