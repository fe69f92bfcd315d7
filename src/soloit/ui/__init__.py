"""Qt widgets only. Talks to services, never to sessions or models."""
