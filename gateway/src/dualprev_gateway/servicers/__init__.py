"""Servicers: one per proto service, each thin (proto → SDK call with the caller's principal → proto)."""
