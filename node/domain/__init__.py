"""The node's rules, as one service per concern over a shared ``Context``.

Synchronous: a service method runs one store transaction and never touches the
network; the faces move requests and envelopes. ``node.domain.node.Node`` wires them
together.
"""
